/**
 * A sweep workload's side-by-side answer (console, comparison, `predict --sweep`): per variant its
 * capacity at SLO with the bracket it lies in, the variant with the highest capacity, and the
 * curve (load → TTFT/TPOT/ITL p50/p99, good share, goodput, throughput) of every step. Pure.
 */
import { figure } from '../contracts/figures.js'
import type { BenchResult, SweepResult } from '../contracts/results.js'
import { describeTarget, formatNumber } from './format.js'
import type { ComparisonTable } from './comparison-table.js'

type Table = (header: readonly string[], body: readonly (readonly string[])[]) => string[]

/** True when the rows are a sweep workload's. */
export function isSweepRows(rows: readonly BenchResult[]): boolean {
  return rows.some((r) => r.sweep !== undefined)
}

/** The capacity with its unit and bracket: "4 req/s (between 4 and 6)". */
export function capacityText(s: SweepResult): string {
  const [low, high] = s.capacityAtSlo.bracket
  const unit = s.unit === 'req/s' ? ' req/s' : ''
  const what = s.unit === 'req/s' ? '' : 'concurrency '
  if (low === null) return `none: the lowest load ${what}${formatNumber(high ?? s.steps[0]?.load ?? 0)}${unit} already missed the SLO`
  if (high === null) return `≥ ${what}${formatNumber(low)}${unit} (every load measured met the SLO)`
  return `${what}${formatNumber(low)}${unit} (in [${formatNumber(low)}, ${formatNumber(high)}))`
}

/**
 * Best and runner-up by capacity among passed variants. Capacity moves on the sweep's grid: equal
 * capacities are a tie (the grid cannot tell them apart), any other lead is a step or more.
 */
export function pickSweep(rows: readonly BenchResult[]): { kind: 'none' } | { kind: 'only'; best: BenchResult } | { kind: 'winner' | 'tie'; best: BenchResult; runnerUp: BenchResult; margin: number } {
  const ranked = rows.filter((r) => r.status === 'passed' && r.sweep).sort((a, b) => b.sweep!.capacityAtSlo.value - a.sweep!.capacityAtSlo.value)
  const [best, runnerUp] = ranked
  if (!best || best.sweep!.capacityAtSlo.value === 0) return { kind: 'none' }
  if (!runnerUp) return { kind: 'only', best }
  const b = best.sweep!.capacityAtSlo.value
  const r = runnerUp.sweep!.capacityAtSlo.value
  return { kind: b > r ? 'winner' : 'tie', best, runnerUp, margin: r > 0 ? b / r - 1 : Infinity }
}

function sweepRecommendation(rows: readonly BenchResult[]): string {
  const pick = pickSweep(rows)
  if (pick.kind === 'none') return 'Highest capacity at SLO: none — no variant met the SLO at any load.'
  const cap = capacityText(pick.best.sweep!)
  if (pick.kind === 'only') return `Highest capacity at SLO: ${pick.best.variant} — ${cap} (the only variant measured).`
  if (pick.kind === 'tie') return `Capacity at SLO tie: ${pick.best.variant} and ${pick.runnerUp.variant} — ${cap}; the sweep's steps cannot tell them apart (a finer sweep may).`
  const lead = Number.isFinite(pick.margin) ? `+${(pick.margin * 100).toFixed(0)} %` : 'the runner-up met it at no load'
  return `Highest capacity at SLO: ${pick.best.variant} — ${cap}, ${lead} vs ${pick.runnerUp.variant}.`
}

/** What one curve point shows, by the metric registry's keys. */
const CURVE_FIGURES = ['ttft_p50_ms', 'ttft_p99_ms', 'tpot_p50_ms', 'tpot_p99_ms', 'itl_p50_ms', 'itl_p99_ms', 'goodput_req_per_s', 'output_tokens_per_s'] as const

/** The curve of one or more sweeps: one row per step (variant, load, good share, figures, state). */
export function renderSweepCurve(curves: ReadonlyArray<{ variant: string; sweep: SweepResult }>, table: Table): string[] {
  const figures = CURVE_FIGURES.map((k) => figure(k))
  const unit = curves[0]?.sweep.unit ?? 'req/s'
  const header = ['variant', unit === 'req/s' ? 'rate req/s' : 'concurrency', 'within SLO', ...figures.map((f) => f.title), 'step']
  const body = curves.flatMap(({ variant, sweep }) =>
    sweep.steps.map((s) => {
      const knee = s.load === sweep.capacityAtSlo.bracket[0] ? ' ◆' : ''
      const cells = figures.map((f) => {
        const v = s.metrics ? f.value(s.metrics) : undefined
        return v === undefined ? '—' : formatNumber(v)
      })
      return [variant, formatNumber(s.load), s.goodShare === undefined ? '—' : `${(s.goodShare * 100).toFixed(1)} %`, ...cells, `${s.state}${knee}`]
    }),
  )
  return table(header, body)
}

/** The SLO and attainment a sweep judged its steps by: "TTFT ≤ 2000 ms, TPOT ≤ 50 ms for 90 % of requests". */
export function sloText(s: SweepResult): string {
  const parts = [s.slo.ttftMs === undefined ? '' : `TTFT ≤ ${s.slo.ttftMs} ms`, s.slo.tpotMs === undefined ? '' : `TPOT ≤ ${s.slo.tpotMs} ms`, s.slo.e2elMs === undefined ? '' : `E2EL ≤ ${s.slo.e2elMs} ms`].filter(Boolean)
  return `${parts.join(', ')} for ${(s.attainment * 100).toFixed(0)} % of requests`
}

/** Why a sweep stopped before its last step, if it did. */
export function stoppedText(s: SweepResult): string {
  if (!s.stopped) return ''
  return s.stopped.reason === 'budget' ? `stopped after ${formatNumber(s.stopped.afterLoad)}: time budget` : `stopped after ${formatNumber(s.stopped.afterLoad)}: SLO broken for good`
}

/** A sweep workload's comparison as cells (console table and the HTML report), `*` on the highest capacity. */
export function sweepTable(rows: readonly BenchResult[]): ComparisonTable {
  const measured = rows.filter((r) => r.sweep !== undefined)
  const targets = [...new Set(measured.map((r) => describeTarget(r.target)))]
  const first = measured[0]?.sweep
  const passed = measured.filter((r) => r.status === 'passed')
  const best = Math.max(0, ...passed.map((r) => r.sweep!.capacityAtSlo.value))
  const distinct = new Set(passed.map((r) => r.sweep!.capacityAtSlo.value)).size > 1
  const body = rows.map((r) => {
    if (!r.sweep) return [r.variant, `FAILED (${r.failure?.kind ?? 'error'})`, '', '', '', '']
    const s = r.sweep
    const [low, high] = s.capacityAtSlo.bracket
    const mark = r.status === 'passed' && distinct && s.capacityAtSlo.value === best ? '*' : ' '
    const steps = `${s.steps.filter((x) => x.state !== 'skipped').length}/${s.steps.length}`
    const bracket = `[${low === null ? '—' : formatNumber(low)}, ${high === null ? '—' : formatNumber(high)})`
    return [`${r.variant}${r.status === 'failed' ? ' (FAILED)' : ''}`, `${formatNumber(s.capacityAtSlo.value)}${mark}`, bracket, steps, stoppedText(s) || '—', r.deployS === undefined ? '—' : formatNumber(r.deployS)]
  })
  return {
    measuredOn: `sweep over ${first?.over ?? '?'}${first?.search ? ' (search)' : ''}${first ? `, SLO ${sloText(first)}` : ''} — ${targets.join(', ')}`,
    header: ['variant', `capacity at SLO ${first?.unit ?? ''}`.trim(), 'bracket', 'steps', 'stopped', 'deploy s'],
    body,
    failures: rows.filter((x) => x.status === 'failed').map((r) => ({ variant: r.variant, message: r.failure?.message.split('\n')[0] ?? 'failed' })),
    server: [],
    recommendation: sweepRecommendation(rows),
  }
}

/** The workload's lines (indented), as renderComparison prints a load workload's, then the curve. */
export function renderSweepRows(model: string, workload: string, rows: readonly BenchResult[], table: Table): string[] {
  const t = sweepTable(rows)
  const out = ['', `${model} · ${workload} — ${t.measuredOn}`]
  out.push(...table(t.header, t.body).map((l) => `  ${l}`))
  for (const f of t.failures) out.push(`  ✗ ${f.variant}: ${f.message}`)
  out.push(`  ${t.recommendation}`)
  const curves = rows.filter((r) => r.sweep !== undefined).map((r) => ({ variant: r.variant, sweep: r.sweep! }))
  if (curves.length > 0) {
    out.push('  Curve (◆ the capacity at SLO, the knee):')
    out.push(...renderSweepCurve(curves, table).map((l) => `    ${l}`))
  }
  return out
}
