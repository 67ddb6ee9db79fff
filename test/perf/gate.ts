/**
 * Characterisation of the baseline gate (npm run bench:gate). The example Qwen2.5-7B workloads
 * run against the HTTP simulator on simulated time, with seeded step-time noise at several levels
 * (coefficient of variation per engine step): per level a baseline is accepted from a few runs
 * (each a different noise seed, so its history measures the run-to-run noise), then
 * - ≥ 20 unchanged runs (fresh noise seeds): a run with any "regressed" verdict is a false alarm;
 * - ≥ 20 runs 5 % and 10 % slower (MLNODE_SIM_SLOWDOWN's knob): a run with one is a detection.
 * The load client, the protocol and the gate are the real ones; only GPUs are simulated.
 * Targets: ≤ 1 % false alarms at every level; a 10 % slowdown caught in ≥ 95 % of runs at 2 % noise.
 * Options: --runs N (unchanged and slowed runs per cell, default 20), --baseline-runs N (default 5),
 * --levels 0,0.02,0.05
 */
import { parseArgs } from 'node:util'
import { parseVllmArgs, planDeploy } from '../../src/args/index.js'
import { runWorkload } from '../../src/load/index.js'
import type { WorkloadSpec } from '../../src/contracts/workload.js'
import { summarize } from '../../src/metrics/index.js'
import { MlnodeClient } from '../../src/mlnode/index.js'
import { updateBaseline, type BaselineFile } from '../../src/report/baseline.js'
import { diffResults } from '../../src/report/diff.js'
import type { BenchResult, Provenance } from '../../src/contracts/results.js'
import { startSimulator } from '../../src/sim/index.js'

const { values } = parseArgs({ options: { runs: { type: 'string', default: '20' }, 'baseline-runs': { type: 'string', default: '5' }, levels: { type: 'string', default: '0,0.02,0.05' } } })
const RUNS = Number(values.runs)
const BASELINE_RUNS = Number(values['baseline-runs'])
const LEVELS = values.levels!.split(',').map(Number)

const MODEL = 'Qwen/Qwen2.5-7B-Instruct'
const HARDWARE = '4xrtx-3090'
const VARIANT = { name: 'tp2-x2', args: ['--quantization', 'fp8', '--tensor-parallel-size', '2'] }
const WORKLOADS: WorkloadSpec[] = [
  { name: 'chat 1k→200, 16 users', requests: 48, concurrency: 16, prompt: { tokens: 1000 }, maxTokens: 200, temperature: 0.8 },
  { name: 'poisson 2 req/s, 2k→100', requests: 40, arrival: { ratePerS: 2, burstiness: 1, maxConcurrency: 32 }, prompt: { tokens: 2000 }, maxTokens: 100 },
]
const SLO = { ttftMs: 2000, tpotMs: 50 }
const provenance: Provenance = { tool: { name: 'mlnode-bench', version: 'gate-characterisation' }, date: new Date().toISOString() }

/** One run of every workload on a fresh simulator: the BenchResults a suite would record. */
async function runOnce(noiseCv: number, noiseSeed: number, slowdown: number): Promise<BenchResult[]> {
  const sim = await startSimulator({ hardware: HARDWARE, clock: 'virtual', noiseCv, noiseSeed, slowdown, seed: 0 })
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
        target: { kind: 'simulated', hardware: HARDWARE, simulatedTime: true, ...(noiseCv ? { noiseCv } : {}) },
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

interface Cell {
  runs: number
  alarmed: number
  comparisons: number
  regressions: number
}

async function judge(baseline: BaselineFile, noiseCv: number, slowdown: number, seedFrom: number): Promise<Cell> {
  const cell: Cell = { runs: 0, alarmed: 0, comparisons: 0, regressions: 0 }
  for (let i = 0; i < RUNS; i++) {
    const diff = diffResults(baseline, await runOnce(noiseCv, seedFrom + i, slowdown))
    const judged = diff.entries.flatMap((e) => (e.status === 'compared' ? e.metrics.filter((m) => m.verdict !== 'not-compared') : []))
    cell.runs++
    cell.comparisons += judged.length
    cell.regressions += diff.counts.regressed
    if (diff.hasRegression) cell.alarmed++
  }
  return cell
}

const pct = (n: number, d: number) => `${((100 * n) / Math.max(1, d)).toFixed(1)} %`
const started = performance.now()
const rows: string[] = []
console.log(`gate characterisation: ${MODEL} ${VARIANT.name} on simulated ${HARDWARE}, ${WORKLOADS.length} workloads, baseline from ${BASELINE_RUNS} runs, ${RUNS} runs per cell`)
for (const cv of LEVELS) {
  let baseline: BaselineFile | undefined
  // Deterministic without noise: one run is the whole truth, and every seed gives it.
  const baselineRuns = cv === 0 ? 1 : BASELINE_RUNS
  for (let i = 0; i < baselineRuns; i++) baseline = updateBaseline(baseline, await runOnce(cv, 1 + i, 1), provenance).baseline
  const unchanged = await judge(baseline!, cv, 1, 1000)
  const slow5 = await judge(baseline!, cv, 1.05, 2000)
  const slow10 = await judge(baseline!, cv, 1.1, 3000)
  const row = `noise ${String(cv * 100).padStart(3)} %: false alarms ${unchanged.alarmed}/${unchanged.runs} runs (${pct(unchanged.alarmed, unchanged.runs)}; ${unchanged.regressions}/${unchanged.comparisons} comparisons) · 5 % slowdown caught ${slow5.alarmed}/${slow5.runs} (${pct(slow5.alarmed, slow5.runs)}) · 10 % slowdown caught ${slow10.alarmed}/${slow10.runs} (${pct(slow10.alarmed, slow10.runs)})`
  rows.push(row)
  console.log(row)
}
console.log(`\nTargets: ≤ 1 % false alarms at every level; 10 % slowdown caught in ≥ 95 % of runs at 2 % noise. ${((performance.now() - started) / 1000).toFixed(0)} s in all.`)
