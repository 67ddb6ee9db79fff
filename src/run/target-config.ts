/**
 * What the process that chose the target (globalSetup, src/run/select-target.ts) hands to the
 * ones that run the suites.
 */
/** One member per registered kind (targets/registry.ts): each kind's file declares its own. */
export type { ProvidedTarget } from './targets/registry.js'
export type { SimulatorEndpoints } from './sim-fleet.js'


/** How vitest runs: in watch mode every file save reruns the benches. */
export interface ProvidedRunMode {
  /** `vitest bench` without `--run` (vitest's resolved `watch`). */
  watch: boolean
  /** MLNODE_BENCH_ALLOW_WATCH=1: watch mode may deploy to a real MLNode. */
  allowWatch: boolean
}

