/**
 * Which target a run measures, as chosen from the environment (src/run/select-target.ts) and
 * handed from the process that chose it to the ones that run the suites.
 */
export type ProvidedTarget =
  | {
      kind: 'mlnode'
      /** Management API root, e.g. http://gpu-box:8080 (may carry credentials: never print unredacted). */
      mgmtUrl: string
      /** OpenAI API root without /v1; default: MLNode's own /v1 proxy on mgmtUrl. */
      inferenceUrl?: string
    }
  | {
      kind: 'openai'
      /** OpenAI API root without /v1 (INFERENCE_URL): the as-deployed variant's endpoint. */
      inferenceUrl: string
      /** Name of the environment variable holding the API key (read by the workers, never passed). */
      apiKeyEnv: string
    }
  | {
      kind: 'simulated'
      /** Control endpoint of the simulator fleet: POST /simulators {hardware} → SimulatorEndpoints. */
      fleetUrl: string
    }

/** One embedded simulator as the fleet hands it out. */
export interface SimulatorEndpoints {
  hardware: string
  mgmtUrl: string
  inferenceUrl: string
  slowdown: number
}

/** How vitest runs: in watch mode every file save reruns the benches. */
export interface ProvidedRunMode {
  /** `vitest bench` without `--run` (vitest's resolved `watch`). */
  watch: boolean
  /** MLNODE_BENCH_ALLOW_WATCH=1: watch mode may deploy to a real MLNode. */
  allowWatch: boolean
}

