/**
 * A PoC workload's side-by-side rows (console and the comparison): per variant its nonces/min,
 * per GPU, time to the first artifact, backends and deploy time, the best of each column marked,
 * and which variant earns the most PoC weight. Pure.
 */
import type { BenchResult } from '../contracts/results.js'
import { describeTarget, formatNumber } from './format.js'

/** The gate's floor for nonces/min (src/report/metric-defs.ts): a smaller lead is a near tie. */
const TIE_SHARE = 0.03

interface Column {
  title: string
  better: 'lower' | 'higher'
  value: (r: BenchResult) => number | undefined
}

export const POC_COLUMNS: readonly Column[] = [
  { title: 'nonces/min', better: 'higher', value: (r) => r.poc?.noncesPerMin },
  { title: 'nonces/min/GPU', better: 'higher', value: (r) => r.poc?.noncesPerMinPerGpu },
  { title: 'first artifact s', better: 'lower', value: (r) => r.poc?.firstArtifactS },
  { title: 'backends', better: 'higher', value: (r) => r.poc?.backends.length },
  { title: 'deploy s', better: 'lower', value: (r) => r.deployS },
]

/** True when the rows are a PoC workload's. */
export function isPocRows(rows: readonly BenchResult[]): boolean {
  return rows.some((r) => r.poc !== undefined)
}

/** Best and runner-up by nonces/min among passed variants; a lead within the gate's floor is a tie. */
export function pickPoc(rows: readonly BenchResult[]): { kind: 'none' } | { kind: 'only'; best: BenchResult } | { kind: 'winner' | 'tie'; best: BenchResult; runnerUp: BenchResult; margin: number } {
  const ranked = rows.filter((r) => r.status === 'passed' && r.poc && r.poc.nonces > 0).sort((a, b) => b.poc!.noncesPerMin - a.poc!.noncesPerMin)
  const [best, runnerUp] = ranked
  if (!best) return { kind: 'none' }
  if (!runnerUp) return { kind: 'only', best }
  const margin = best.poc!.noncesPerMin / runnerUp.poc!.noncesPerMin - 1
  return { kind: margin > TIE_SHARE ? 'winner' : 'tie', best, runnerUp, margin }
}

function pocRecommendation(rows: readonly BenchResult[]): string {
  const pick = pickPoc(rows)
  if (pick.kind === 'none') return 'PoC: none — no variant generated artifacts.'
  const rate = `${formatNumber(pick.best.poc!.noncesPerMin)} nonces/min (${formatNumber(pick.best.poc!.noncesPerMinPerGpu)} per GPU)`
  if (pick.kind === 'only') return `PoC: ${pick.best.variant} — ${rate} (the only variant measured).`
  const lead = `${(pick.margin * 100).toFixed(1)} %`
  if (pick.kind === 'tie') return `PoC near tie: ${pick.best.variant} leads ${pick.runnerUp.variant} by ${lead} (${rate}), within ±${TIE_SHARE * 100} %.`
  return `PoC: ${pick.best.variant} — ${rate}, +${lead} vs ${pick.runnerUp.variant}.`
}

/** The workload's table lines (indented), as renderComparison prints a load workload's. */
export function renderPocRows(model: string, workload: string, rows: readonly BenchResult[], table: (header: readonly string[], body: readonly (readonly string[])[]) => string[]): string[] {
  const measured = rows.filter((r) => r.poc !== undefined)
  const targets = [...new Set(measured.map((r) => describeTarget(r.target)))]
  const seqLens = [...new Set(measured.map((r) => r.poc!.seqLen))]
  const out = ['', `${model} · ${workload} — PoC v2, seq_len ${seqLens.join(' / ')} — ${targets.join(', ')}`]
  const best = POC_COLUMNS.map((c) => {
    const values = rows.flatMap((r) => (r.status === 'passed' ? [c.value(r)] : [])).filter((v): v is number => v !== undefined && Number.isFinite(v))
    return values.length > 1 && new Set(values).size > 1 ? (c.better === 'lower' ? Math.min(...values) : Math.max(...values)) : undefined
  })
  const body = rows.map((r) => {
    if (!r.poc) return [r.variant, ...POC_COLUMNS.map((_, i) => (i === 0 ? `FAILED (${r.failure?.kind ?? 'error'})` : ''))]
    const cells = POC_COLUMNS.map((c, i) => {
      const v = c.value(r)
      return v === undefined ? '—' : `${formatNumber(v)}${r.status === 'passed' && v === best[i] ? '*' : ' '}`
    })
    return [`${r.variant}${r.status === 'failed' ? ' (FAILED)' : ''}`, ...cells]
  })
  out.push(...table(['variant', ...POC_COLUMNS.map((c) => c.title)], body).map((l) => `  ${l}`))
  for (const r of rows.filter((x) => x.status === 'failed')) out.push(`  ✗ ${r.variant}: ${r.failure?.message.split('\n')[0] ?? 'failed'}`)
  out.push(`  ${pocRecommendation(rows)}`)
  return out
}
