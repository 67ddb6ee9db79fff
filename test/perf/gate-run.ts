/**
 * One run of the gate characterisation (test/perf/gate.ts): the example Qwen2.5-7B workloads on a
 * fresh HTTP simulator on simulated time, through the real load client; the BenchResults a suite
 * would record. Only GPUs are simulated.
 */
import { parseVllmArgs, planDeploy } from '../../src/args/index.js'
import { runWorkload } from '../../src/load/index.js'
import type { WorkloadSpec } from '../../src/contracts/workload.js'
import { summarize } from '../../src/metrics/index.js'
import { MlnodeClient } from '../../src/mlnode/index.js'
import type { BenchResult, Provenance } from '../../src/contracts/results.js'
import { startSimulator } from '../../src/sim/index.js'

export const MODEL = 'Qwen/Qwen2.5-7B-Instruct'
export const HARDWARE = '4xrtx-3090'
export const VARIANT = { name: 'tp2-x2', args: ['--quantization', 'fp8', '--tensor-parallel-size', '2'] }
export const WORKLOADS: WorkloadSpec[] = [
  { name: 'chat 1k→200, 16 users', requests: 48, concurrency: 16, prompt: { tokens: 1000 }, maxTokens: 200, temperature: 0.8 },
  { name: 'poisson 2 req/s, 2k→100', requests: 40, arrival: { ratePerS: 2, burstiness: 1, maxConcurrency: 32 }, prompt: { tokens: 2000 }, maxTokens: 100 },
]
const SLO = { ttftMs: 2000, tpotMs: 50 }
export const provenance: Provenance = { tool: { name: 'mlnode-bench', version: 'gate-characterisation' }, date: new Date().toISOString() }

export interface RunNoise {
  /** Per-step coefficient of variation and its seed. */
  noiseCv: number
  noiseSeed: number
  /** Run-level coefficient of variation (per GPU and per replica, src/sim/run-noise.ts) and its seed. */
  runNoise?: number
  runNoiseSeed?: number
  slowdown: number
}

/** One run of every workload on a fresh simulator (a fresh deployment: new run-level factors). */
export async function runOnce({ noiseCv, noiseSeed, runNoise = 0, runNoiseSeed = noiseSeed, slowdown }: RunNoise): Promise<BenchResult[]> {
  const sim = await startSimulator({ hardware: HARDWARE, clock: 'virtual', noiseCv, noiseSeed, runNoise, runNoiseSeed, slowdown, seed: 0 })
  try {
    const client = new MlnodeClient({ url: sim.mgmtUrl })
    await client.waitUntilReady({ request: { model: MODEL, dtype: 'auto', additional_args: VARIANT.args }, plan: planDeploy(MODEL, parseVllmArgs(VARIANT.args)), variant: VARIANT.name, deadlineMs: 60_000, pollIntervalMs: 20, inferenceUrl: sim.inferenceUrl })
    await client.close()
    const results: BenchResult[] = []
    for (const spec of WORKLOADS) {
      const run = await runWorkload({ baseUrl: sim.inferenceUrl, model: MODEL }, spec, { simulatedTime: true })
      results.push({
        model: MODEL,
        variant: VARIANT.name,
        workload: spec.name,
        file: 'test/perf/gate.ts',
        status: 'passed',
        target: { kind: 'simulated', hardware: HARDWARE, simulatedTime: true, ...(noiseCv ? { noiseCv } : {}), ...(runNoise ? { runNoise } : {}) },
        args: VARIANT.args,
        metrics: summarize(run, { slo: SLO }),
        resolution: { stamps: 'simulator', latencyMs: 0, rateShare: 0, clientLoopDelayP99Ms: 0 },
      })
    }
    return results
  } finally {
    await sim.close()
  }
}
