/**
 * The side-by-side answer of a run: per model and workload, one row per variant with the key
 * metrics, the best value of each column marked, and a one-line recommendation. Pure.
 */
import type { WorkloadMetrics } from '../metrics/types.js'
import { describeTarget, formatNumber } from './format.js'
import type { BenchResult } from './model.js'

interface Column {
  title: string
  better: 'lower' | 'higher'
  value: (m: WorkloadMetrics, r: BenchResult) => number | undefined
}

/** vLLM `bench serve` definitions (README "Metrics"); units in the titles. */
export const COMPARISON_COLUMNS: readonly Column[] = [
  { title: 'TTFT mean ms', better: 'lower', value: (m) => m.ttftMs.meanMs },
  { title: 'TTFT p99 ms', better: 'lower', value: (m) => m.ttftMs.p99Ms },
  { title: 'TPOT mean ms', better: 'lower', value: (m) => m.tpotMs.meanMs },
  { title: 'ITL p99 ms', better: 'lower', value: (m) => m.itlMs.p99Ms },
  { title: 'E2EL mean ms', better: 'lower', value: (m) => m.e2elMs.meanMs },
  { title: 'in tok/s', better: 'higher', value: (m) => m.inputTokensPerS },
  { title: 'out tok/s', better: 'higher', value: (m) => m.outputTokensPerS },
  { title: 'goodput req/s', better: 'higher', value: (m) => m.goodputRequestsPerS },
  { title: 'failed', better: 'lower', value: (m) => m.requests.failed },
  // up/async → ready: what switching to the variant costs a host (simulated s on a simulator).
  { title: 'deploy s', better: 'lower', value: (_m, r) => r.deployS },
]

/**
 * The variant to keep for one workload: among variants with every request served, the highest
 * goodput when an SLO is set, else the highest output throughput; ties go to the lower TTFT p99.
 */
export function bestVariant(results: readonly BenchResult[]): BenchResult | undefined {
  const candidates = results.filter((r) => r.status === 'passed' && r.metrics && r.metrics.requests.failed === 0)
  const score = (r: BenchResult) => r.metrics!.goodputRequestsPerS ?? r.metrics!.outputTokensPerS
  return candidates.sort((a, b) => score(b) - score(a) || a.metrics!.ttftMs.p99Ms - b.metrics!.ttftMs.p99Ms)[0]
}

function recommendation(rows: readonly BenchResult[]): string {
  const best = bestVariant(rows)
  if (!best) return 'Recommendation: none — no variant served every request.'
  const m = best.metrics!
  const byGoodput = m.goodputRequestsPerS !== undefined
  const others = rows.filter((r) => r !== best && r.metrics && r.status === 'passed')
  const runnerUp = bestVariant(others)
  const score = (x: WorkloadMetrics) => x.goodputRequestsPerS ?? x.outputTokensPerS
  const margin = runnerUp ? ` (${formatPercent(score(m) / score(runnerUp.metrics!) - 1)} vs ${runnerUp.variant})` : ''
  const what = byGoodput ? `${formatNumber(m.goodputRequestsPerS!)} good req/s` : `${formatNumber(m.outputTokensPerS)} output tok/s`
  return `Recommendation: ${best.variant} — ${what}${margin}, TTFT p99 ${formatNumber(m.ttftMs.p99Ms)} ms.`
}

const formatPercent = (x: number) => `${x >= 0 ? '+' : '−'}${Math.abs(x * 100).toFixed(1)} %`

function table(header: readonly string[], body: readonly (readonly string[])[]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)))
  const line = (cells: readonly string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd()
  return [line(header), widths.map((w) => '─'.repeat(w)).join('  '), ...body.map(line)]
}

/** Groups results by model, then workload, keeping first-seen order. */
export function groupResults(results: readonly BenchResult[]): Map<string, Map<string, BenchResult[]>> {
  const groups = new Map<string, Map<string, BenchResult[]>>()
  for (const r of results) {
    const byWorkload = groups.get(r.model) ?? new Map<string, BenchResult[]>()
    groups.set(r.model, byWorkload)
    byWorkload.set(r.workload, [...(byWorkload.get(r.workload) ?? []), r])
  }
  return groups
}

/** The comparison as plain text; `*` marks the best value of each column. */
export function renderComparison(results: readonly BenchResult[]): string {
  const out: string[] = []
  for (const [model, byWorkload] of groupResults(results)) {
    for (const [workload, rows] of byWorkload) {
      const measured = rows.filter((r) => r.metrics && r.metrics.requests.completed > 0)
      if (measured.length === 0) {
        // Nothing measured (a suite rejected at collection, every deploy failed…): no table, just why.
        out.push('', `${model} · ${workload}`, ...rows.map((r) => `  ✗ ${r.variant}: ${r.failure?.message.split('\n')[0] ?? r.status}`))
        continue
      }
      const targets = [...new Set(measured.map((r) => describeTarget(r.target)))]
      const dtypes = [...new Set(measured.flatMap((r) => (r.dtype === undefined ? [] : [r.dtype])))]
      out.push('', `${model} · ${workload} — ${targets.join(', ')}${dtypes.length ? `, dtype ${dtypes.join(' / ')}` : ''}`)
      const best = COMPARISON_COLUMNS.map((c) => {
        const values = rows.flatMap((r) => (r.status === 'passed' && r.metrics ? [c.value(r.metrics, r)] : [])).filter((v): v is number => v !== undefined && Number.isFinite(v))
        // A mark only where variants differ: a tie has no winner.
        return values.length > 1 && new Set(values).size > 1 ? (c.better === 'lower' ? Math.min(...values) : Math.max(...values)) : undefined
      })
      const body = rows.map((r) => {
        if (!r.metrics || r.metrics.requests.completed === 0) return [r.variant, ...COMPARISON_COLUMNS.map((_, i) => (i === 0 ? `FAILED (${r.failure?.kind ?? 'error'})` : ''))]
        const cells = COMPARISON_COLUMNS.map((c, i) => {
          const v = c.value(r.metrics!, r)
          if (v === undefined) return '—'
          return `${formatNumber(v)}${r.status === 'passed' && v === best[i] ? '*' : ' '}`
        })
        return [`${r.variant}${r.status === 'failed' ? ' (FAILED)' : ''}`, ...cells]
      })
      out.push(...table(['variant', ...COMPARISON_COLUMNS.map((c) => c.title)], body).map((l) => `  ${l}`))
      for (const r of rows.filter((x) => x.status === 'failed')) out.push(`  ✗ ${r.variant}: ${r.failure?.message.split('\n')[0] ?? 'failed'}`)
      out.push(`  ${recommendation(rows)}`)
    }
  }
  return out.join('\n')
}
