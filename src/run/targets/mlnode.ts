/**
 * A real MLNode (`MLNODE_BENCH_TARGET=mlnode`, or MLNODE_URL set): the workers deploy each variant
 * through its management API; globalSetup only installs the Ctrl-C `down` (interrupt.ts).
 */
import { MlnodeBenchError, redact } from '../../errors.js'
import { downOnInterrupt } from '../interrupt.js'
import { mlnodeTargetFor } from '../mlnode-target.js'
import { watchDeployError } from '../watch.js'
import type { TargetKind } from './kind.js'

export interface MlnodeChoice {
  kind: 'mlnode'
  mgmtUrl: string
  inferenceUrl?: string
  banner: string
}

export interface MlnodeConfig {
  kind: 'mlnode'
  /** Management API root, e.g. http://gpu-box:8080 (may carry credentials: never print unredacted). */
  mgmtUrl: string
  /** OpenAI API root without /v1; default: MLNode's own /v1 proxy on mgmtUrl. */
  inferenceUrl?: string
}

export const mlnodeTargetKind: TargetKind<MlnodeChoice, MlnodeConfig> = {
  name: 'mlnode',
  kind: 'mlnode',
  summary: 'a real MLNode at MLNODE_URL: each variant deployed through its management API',
  impliedBy: (env) => Boolean(env.MLNODE_URL),
  simulated: false,
  resultKind: 'mlnode',
  matchesGpus: true,
  select(env) {
    if (!env.MLNODE_URL) throw new MlnodeBenchError('MLNB_CONFIG', 'MLNODE_BENCH_TARGET=mlnode needs MLNODE_URL, the MLNode management API root', { details: { env: 'MLNODE_URL' } })
    return {
      kind: 'mlnode',
      mgmtUrl: env.MLNODE_URL,
      ...(env.INFERENCE_URL ? { inferenceUrl: env.INFERENCE_URL } : {}),
      banner: `mlnode-bench: target MLNode ${redact(env.MLNODE_URL)}${env.INFERENCE_URL ? `, inference ${redact(env.INFERENCE_URL)}` : ''}`,
    }
  },
  async setUp(choice, run) {
    const config: MlnodeConfig = { kind: 'mlnode', mgmtUrl: choice.mgmtUrl, ...(choice.inferenceUrl ? { inferenceUrl: choice.inferenceUrl } : {}) }
    // Ctrl-C or a cancelled job must not leave a variant deployed (the suites' own down never runs then).
    // In watch mode without the allowance the suites refuse to deploy: nothing to take down, and
    // the MLNode is not touched at all.
    if (run.watch && !run.allowWatch) return { config }
    return { config, teardown: downOnInterrupt(choice.mgmtUrl) }
  },
  create(config) {
    return mlnodeTargetFor({ mgmtUrl: config.mgmtUrl, inferenceUrl: config.inferenceUrl ?? config.mgmtUrl })
  },
  watchRefusal: (config, source) => watchDeployError(source, config.mgmtUrl),
}
