import type { FailureKind } from '../contracts/results.js'

/**
 * Failure kind from an error's stable code (errors cross processes serialized: branch on code).
 * A bad variant (args, layout) is a guard failure whether it is found at collection or at deploy
 * time; anything the MLNode or the simulator refused is a deploy failure.
 */
export function failureKindOf(code: string | undefined, fallback: FailureKind): FailureKind {
  if (code === 'MLNB_ARGS_GUARD' || code === 'MLNB_ARGS_PARSE' || code === 'MLNB_LAYOUT' || code === 'MLNB_NETWORK_MODEL') return 'guard'
  if (code === 'MLNB_VALIDATION' || code === 'MLNB_VALIDATION_REFERENCE') return 'validation'
  if (code?.startsWith('MLNB_DEPLOY_') || code?.startsWith('MLNB_MLNODE_') || code === 'MLNB_SIM') return 'deploy'
  return fallback
}
