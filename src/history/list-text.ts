/** `history list` as text: one row per run, like compressa-perf's `list` (ID, name, date, description). */
import { formatNumber } from '../report/format.js'
import type { HistoryRun, HistoryRunInfo } from './store.js'

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)))
  return rows.map((r) => r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]!))).join('  ').trimEnd()).join('\n')
}

const oneLine = (text: string, max: number): string => {
  const flat = text.replace(/\s+/g, ' ').trim()
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat
}

/** Name of a run: its compressa-perf experiment name, else its run id. */
export function runName(run: HistoryRunInfo): string {
  return run.name ?? run.runId
}

/** The baseline gate's verdict of a run, as the history reporter stores it (`extra.gate`). */
export interface RunGate {
  verdict: 'passed' | 'regressed' | 'no baseline' | 'not compared'
  regressed?: number
  improved?: number
  unchanged?: number
  why?: string
}

/** The stored gate verdict of a run (runs added by older versions or `history add` have none). */
export function runGate(run: HistoryRunInfo): RunGate | undefined {
  const gate = run.extra?.gate as RunGate | undefined
  return gate && typeof gate.verdict === 'string' ? gate : undefined
}

/** "gate: 2 regressed", "gate passed", …: what the CI gate said of the run. */
function gateText(gate: RunGate | undefined): string {
  if (!gate) return ''
  if (gate.verdict === 'regressed') return `, gate FAILED: ${gate.regressed} regressed`
  if (gate.verdict === 'passed') return `, gate passed${gate.improved ? ` (${gate.improved} improved)` : ''}`
  return `, gate: ${gate.verdict}`
}

/** What a run was, in a few words: results passed, simulated or not, the gate's verdict, and its description. */
export function runDescription(run: HistoryRunInfo): string {
  const what = `${run.passed}/${run.results} passed${run.simulated ? ', SIMULATED' : ''}${run.state && run.state !== 'complete' ? `, ${run.state}` : ''}${gateText(runGate(run))}`
  return run.description ? `${what}; ${run.description}` : what
}

/**
 * The list of runs, newest first; with `metrics`, each result's headline figures under its run.
 * `branch` is the filter the runs were listed with: an empty list then says so, since the history
 * may well hold runs of other branches.
 */
export function renderHistoryList(runs: readonly (HistoryRunInfo | HistoryRun)[], options: { metrics?: boolean; branch?: string } = {}): string {
  if (runs.length === 0) return options.branch === undefined ? 'No runs in the history yet.' : `No runs of branch ${options.branch} in the history.`
  const rows = [['ID', 'Date', 'Source', 'Name', 'Commit', 'Description']]
  const lines: string[] = []
  for (const run of runs) {
    const commit = run.commit ? `${run.branch ? `${run.branch}@` : ''}${run.commit.slice(0, 7)}${run.dirty ? '+dirty' : ''}` : '-'
    rows.push([String(run.seq), run.date.replace(/\.\d+Z$/, 'Z'), run.source, oneLine(runName(run), 40), commit, oneLine(runDescription(run), 60)])
  }
  lines.push(table(rows))
  if (options.metrics)
    for (const run of runs) {
      if (!('entries' in run)) continue
      lines.push('', `#${run.seq} ${runName(run)}`)
      for (const r of run.entries) {
        const m = r.metrics
        const figures = m
          ? `TTFT p50 ${formatNumber(m.ttftMs.medianMs)} ms, E2EL p50 ${formatNumber(m.e2elMs.medianMs)} ms, ${formatNumber(m.outputTokensPerS)} out tok/s, ${formatNumber(m.requestsPerS)} req/s, ${m.requests.failed}/${m.requests.total} failed`
          : (r.failure?.message ?? r.status)
        lines.push(`  ${r.model} › ${r.variant} › ${r.workload}${r.target.kind === 'simulated' ? ' (simulated)' : ''}: ${oneLine(figures, 160)}`)
      }
    }
  return lines.join('\n')
}
