/**
 * The environment knobs of an MLNode target, read and checked when the target is made (collection):
 * how long a node that never answered is waited for, and the instance cap a node does not report.
 */
import { MlnodeBenchError } from '../errors.js'

/**
 * How long an MLNode that has not answered once since the run began is waited for: a wrong
 * MLNODE_URL must not cost every variant its deployTimeoutS. MLNODE_BENCH_FIRST_CONTACT_S, else 60 s.
 * @throws MlnodeBenchError MLNB_CONFIG naming the variable and its value.
 */
export function firstContactBoundS(env: NodeJS.ProcessEnv = process.env): number {
  const text = env.MLNODE_BENCH_FIRST_CONTACT_S
  if (text === undefined || text === '') return DEFAULT_FIRST_CONTACT_S
  const value = Number(text)
  if (!Number.isFinite(value) || value <= 0) throw new MlnodeBenchError('MLNB_CONFIG', `environment variable MLNODE_BENCH_FIRST_CONTACT_S=${JSON.stringify(text)} must be a number of seconds > 0`, { details: { env: 'MLNODE_BENCH_FIRST_CONTACT_S', value: text } })
  return value
}

const DEFAULT_FIRST_CONTACT_S = 60

/**
 * The node's INFERENCE_MAX_INSTANCES as the user declares it (MLNODE_BENCH_INSTANCE_CAP), for an
 * MLNode that does not report how many instances it started (v0.2.12). Undefined: MLNode's default.
 * @throws MlnodeBenchError MLNB_CONFIG naming the variable and its value.
 */
export function declaredInstanceCap(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const text = env.MLNODE_BENCH_INSTANCE_CAP
  if (text === undefined || text === '') return undefined
  const value = Number(text)
  if (!Number.isInteger(value) || value < 1) throw new MlnodeBenchError('MLNB_CONFIG', `environment variable MLNODE_BENCH_INSTANCE_CAP=${JSON.stringify(text)} must be a whole number >= 1 (the node's INFERENCE_MAX_INSTANCES)`, { details: { env: 'MLNODE_BENCH_INSTANCE_CAP', value: text } })
  return value
}
