/**
 * Characterisation of the baseline gate (npm run bench:gate; docs/gate.md has the tables).
 * Part 1, step noise: the example Qwen2.5-7B workloads run against the HTTP simulator on simulated
 * time, with seeded step-time noise at several levels (coefficient of variation per engine step):
 * per level a baseline is accepted from a few runs (each a different noise seed, so its history
 * measures the run-to-run noise), then
 * - ≥ 20 unchanged runs (fresh noise seeds): a run with any "regressed" verdict is a false alarm;
 * - ≥ 20 runs 5 % and 10 % slower (MLNODE_SIM_SLOWDOWN's knob): a run with one is a detection.
 * Part 2, run-level noise (test/perf/gate-run-level.ts): per-GPU and per-replica factors drawn at
 * each deploy; a baseline accepted from N repeats against a run of N repeats, for N in --repeats.
 * The load client, the protocol and the gate are the real ones; only GPUs are simulated.
 * Targets: ≤ 1 % false alarms at every level; a 10 % slowdown caught in ≥ 95 % of runs.
 * Options: --runs N (part 1: unchanged and slowed runs per cell, default 20), --baseline-runs N
 * (default 5), --levels 0,0.02,0.05 ('none' skips part 1); --run-levels 0.01,0.03,0.05 ('none'
 * skips part 2), --repeats 1,3,5 (repeat counts), --pool N (independent runs per pool, default 30),
 * --comparisons N (resampled comparisons per cell, default 400), --k 2,4 (k values judged beside k(N))
 */
import { parseArgs } from 'node:util'
import { updateBaseline, type BaselineFile } from '../../src/report/baseline.js'
import { diffResults } from '../../src/report/diff.js'
import { HARDWARE, MODEL, VARIANT, WORKLOADS, provenance, runOnce as runWith } from './gate-run.js'
import { runLevelSection } from './gate-run-level.js'

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '20' },
    'baseline-runs': { type: 'string', default: '5' },
    levels: { type: 'string', default: '0,0.02,0.05' },
    'run-levels': { type: 'string', default: '0.01,0.03,0.05' },
    repeats: { type: 'string', default: '1,3,5' },
    pool: { type: 'string', default: '30' },
    comparisons: { type: 'string', default: '400' },
    k: { type: 'string', default: '2,4' },
  },
})
const list = (text: string): number[] => (text === 'none' || text === '' ? [] : text.split(',').map(Number))
const RUNS = Number(values.runs)
const BASELINE_RUNS = Number(values['baseline-runs'])
const LEVELS = list(values.levels!)

const runOnce = (noiseCv: number, noiseSeed: number, slowdown: number) => runWith({ noiseCv, noiseSeed, slowdown })

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
const RUN_LEVELS = list(values['run-levels']!)
if (RUN_LEVELS.length > 0) {
  console.log(`\nrun-level noise: ${Number(values.pool)} independent runs per pool (unchanged, 5 % and 10 % slower), ${Number(values.comparisons)} resampled comparisons per cell`)
  await runLevelSection({ levels: RUN_LEVELS, repeats: list(values.repeats!), pool: Number(values.pool), comparisons: Number(values.comparisons), ks: list(values.k!) })
}
console.log(`\nTargets: ≤ 1 % false alarms at every level; 10 % slowdown caught in ≥ 95 % of runs. ${((performance.now() - started) / 1000).toFixed(0)} s in all.`)
