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
  environment: [
    { name: 'MLNODE_URL', default: 'none (the embedded simulator)', readers: ['src/run/targets/mlnode.ts', 'src/cli/commands/validation.ts'], effect: 'MLNode management API root; setting it chooses this target' },
    { name: 'MLNODE_BENCH_METRICS_URL', default: 'none (no server view of a real MLNode)', readers: ['src/run/metrics-sources.ts'], effect: "a real MLNode's vLLM Prometheus pages, with `{port}` for each replica's port (5001, 5002… in the container), e.g. `http://gpu-host:{port}/metrics`; MLNode's proxy forwards only `/v1/*`" },
    { name: 'MLNODE_BENCH_FIRST_CONTACT_S', default: '60', readers: ['src/run/mlnode-target.ts'], effect: 'how long an MLNode that has not answered once since the run began is waited for before every variant fails as unreachable (docs/mlnode.md "Unreachable vs. restarting")' },
    { name: 'MLNODE_BENCH_INSTANCE_CAP', default: "MLNode's default (128)", readers: ['src/run/mlnode-target.ts'], effect: 'the node\'s `INFERENCE_MAX_INSTANCES`, for an MLNode that does not report how many instances it started (v0.2.12; docs/mlnode.md "Instances")' },
  ],
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
    return { config, teardown: downOnInterrupt(choice.mgmtUrl, run.notify) }
  },
  create(config, suite) {
    return mlnodeTargetFor({ mgmtUrl: config.mgmtUrl, inferenceUrl: config.inferenceUrl ?? config.mgmtUrl }, suite.events)
  },
  watchRefusal: (config, source) => watchDeployError(source, config.mgmtUrl),
}
