/**
 * Which target a run measures, from the environment: MLNODE_BENCH_TARGET names a registered kind
 * (targets/registry.ts), else a real MLNode when MLNODE_URL is set and the embedded simulator
 * otherwise. Framework-free: the Vitest globalSetup starts what the choice needs (the kind's setUp).
 */
import { targetKindFromEnv, type TargetChoice } from './targets/registry.js'

export type { TargetChoice }

/** @throws MlnodeBenchError MLNB_CONFIG naming the variable and its value. */
export function selectTarget(env: NodeJS.ProcessEnv = process.env): TargetChoice {
  return targetKindFromEnv(env).select(env) as TargetChoice
}
