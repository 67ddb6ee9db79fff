/**
 * The run-level part of the gate characterisation (npm run bench:gate, docs/gate.md): per level
 * of run-level noise, pools of independent runs (each a fresh deployment: new per-GPU and
 * per-replica factors) unchanged, 5 % and 10 % slower; then many comparisons resampled from the
 * pools: a baseline accepted from N repeats (N distinct runs of the unchanged pool, folded) against
 * a new run of N repeats (both spreads pooled: src/report/noise.ts) (N other runs, of the unchanged pool: a false alarm if any metric
 * regresses; of a slowed pool: a detection if one does). Every comparison takes 2N distinct runs,
 * so each is a fair draw of the whole procedure (baseline spread included); comparisons share runs,
 * so the rates are estimates over the pool, not independent trials.
 */
import { createRng } from '../../src/sim/rng.js'
import type { BaselineFile } from '../../src/contracts/baseline.js'
import type { BenchResult } from '../../src/contracts/results.js'
import { updateBaseline } from '../../src/report/baseline.js'
import { diffResults } from '../../src/report/diff.js'
import { pooledK } from '../../src/report/repeat-tolerance.js'
import { foldRepeats } from '../../src/run/fold-repeats.js'
import { provenance, runOnce } from './gate-run.js'

export interface RunLevelOptions {
  levels: number[]
  /** Repeat counts to judge (each needs 2N runs per pool). */
  repeats: number[]
  /** Independent runs per pool. */
  pool: number
  /** Resampled comparisons per cell. */
  comparisons: number
  /** Extra k values (tolerance = k × pooled spread) judged beside the t-based one, to justify it. */
  ks: number[]
}

/** The runs of one workload set, folded as a suite with `repeats: N` (redeploying) would. */
function fold(runs: BenchResult[][]): BenchResult[] {
  if (runs.length === 1) return runs[0]!
  return runs[0]!.map((first, w) => {
    const folded = foldRepeats(runs.map((r) => r[w]!.metrics!), true)
    return { ...first, metrics: folded.metrics, repeats: folded.repeats }
  })
}

/** A baseline accepted from the folded runs (its repeats' spread and tolerance stored). */
function acceptedFrom(folded: BenchResult[]): BaselineFile {
  return updateBaseline(undefined, folded, provenance).baseline
}

/** With `k`, tolerance = k × the (pooled) spread instead of the t-based k. */
function alarmed(baseline: BaselineFile, folded: BenchResult[], k: number | undefined): boolean {
  return diffResults(baseline, folded, k === undefined ? {} : { repeatK: k }).hasRegression
}

/** `count` distinct indices below `n`. */
function pick(rng: () => number, n: number, count: number): number[] {
  const all = Array.from({ length: n }, (_, i) => i)
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(rng() * (n - i))
    ;[all[i], all[j]] = [all[j]!, all[i]!]
  }
  return all.slice(0, count)
}

const pct = (n: number, d: number) => `${((100 * n) / Math.max(1, d)).toFixed(1)} %`

/** The run-to-run coefficient of variation of a figure over the pool (one run each). */
function cvOf(values: number[]): number {
  const mean = values.reduce((a, b) => a + b, 0) / values.length
  return Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (values.length - 1)) / mean
}

export async function runLevelSection(o: RunLevelOptions): Promise<string[]> {
  const rows: string[] = ['| run-level noise | run-to-run CV of E2EL median (1 run) | repeats | k | false alarms | 5 % slowdown caught | 10 % slowdown caught |', '|---|---|---|---|---|---|---|']
  let seedBase = 100_000
  for (const level of o.levels) {
    const started = performance.now()
    const pool = async (slowdown: number): Promise<BenchResult[][]> => {
      const runs: BenchResult[][] = []
      for (let i = 0; i < o.pool; i++) runs.push(await runOnce({ noiseCv: 0, noiseSeed: seedBase + i, runNoise: level, runNoiseSeed: seedBase + i, slowdown }))
      seedBase += o.pool
      return runs
    }
    const unchanged = await pool(1)
    const slow5 = await pool(1.05)
    const slow10 = await pool(1.1)
    const cv = cvOf(unchanged.map((r) => r[0]!.metrics!.e2elMs.medianMs))
    console.log(`run noise ${level * 100} %: ${3 * o.pool} runs in ${((performance.now() - started) / 1000).toFixed(0)} s; E2EL median CV over single runs ${(cv * 100).toFixed(1)} %`)
    for (const n of o.repeats) {
      if (2 * n > o.pool) continue
      for (const k of [undefined, ...(n > 1 ? o.ks : [])]) {
        const rng = createRng(7919 * n + Math.round(level * 1000))
        let falseAlarms = 0
        let caught5 = 0
        let caught10 = 0
        for (let c = 0; c < o.comparisons; c++) {
          const ids = pick(rng, o.pool, 2 * n)
          const baseline = acceptedFrom(fold(ids.slice(0, n).map((i) => unchanged[i]!)))
          const others = ids.slice(n)
          if (alarmed(baseline, fold(others.map((i) => unchanged[i]!)), k)) falseAlarms++
          if (alarmed(baseline, fold(others.map((i) => slow5[i]!)), k)) caught5++
          if (alarmed(baseline, fold(others.map((i) => slow10[i]!)), k)) caught10++
        }
        const kText = n === 1 ? '— (fixed 10 %)' : k === undefined ? `t-based: ${pooledK(n, n).toFixed(2)}` : String(k)
        const row = `| ${level * 100} % | ${(cv * 100).toFixed(1)} % | ${n} | ${kText} | ${falseAlarms}/${o.comparisons} (${pct(falseAlarms, o.comparisons)}) | ${caught5}/${o.comparisons} (${pct(caught5, o.comparisons)}) | ${caught10}/${o.comparisons} (${pct(caught10, o.comparisons)}) |`
        rows.push(row)
        console.log(row)
      }
    }
  }
  return rows
}
