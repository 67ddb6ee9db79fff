/**
 * Markdown summary of a run against its baseline, ready as a sticky PR comment: headline, one
 * table per model × workload (old → new, % change, significance), everything else in <details>.
 * Deterministic: no clock, no randomness, entries sorted by key.
 */
import { telemetryCells } from './telemetry-text.js'
import { gpuSection } from './gpu-markdown.js'
import { startupSection } from './startup-markdown.js'
import { describeTarget, formatChange, formatNumber } from './format.js'
import { baselineHeadline, baselineProblems, type BaselineStatus } from './baseline-status.js'
import { evidenceText, keyId, type BaselineDiff, type EntryDiff, type MetricComparison, type MetricVerdict } from './diff.js'
import type { MetricId } from './metric-defs.js'
import type { BenchResult, Provenance, RunInfo } from '../contracts/results.js'
import { incompleteText, runLabel } from './run-text.js'
import { predictionRows, predictionSource } from './prediction.js'
import { failedValidation, VALIDATION_WORKLOAD } from './comparison.js'

/** Hidden marker identifying the sticky comment (the poster finds and updates the comment with it). */
export const STICKY_MARKER = '<!-- mlnode-bench:summary -->'

export interface MarkdownOptions {
  /** Heading text. @default 'mlnode-bench' */
  title?: string
  /** Provenance of this run (commit shown next to the baseline's). */
  run?: Provenance
  /** Marker comment on the first line. @default STICKY_MARKER */
  marker?: string
  /** Whether the baseline could gate: a corrupt or missing one, or invalid entries, lead the summary. */
  baseline?: BaselineStatus
  /** The run's id and state: an unfinished run is flagged in the headline. */
  runInfo?: RunInfo
  /** Results of earlier runs that this (partial) run did not re-run: listed apart, never judged. */
  kept?: readonly BenchResult[]
}

/** Metrics in the main table; the rest are in the details. */
const HEADLINE: readonly MetricId[] = ['ttftMs', 'tpotMs', 'e2elMs', 'outputTokensPerS', 'failedRequests', 'noncesPerMin', 'capacityAtSlo']

const ICON: Record<MetricVerdict, string> = {
  regressed: '🔴 regressed',
  improved: '🟢 improved',
  unchanged: '⚪ unchanged',
  inconclusive: '🟡 inconclusive',
  'not-compared': '—',
}

/** Renders the summary. */
export function renderMarkdown(diff: BaselineDiff, options: MarkdownOptions = {}): string {
  const status = options.baseline
  const invalid = new Set(status?.invalid.map(keyId))
  const incomplete = options.runInfo && incompleteText(options.runInfo)
  const kept = options.kept?.length ? ` · ${options.kept.length} kept from earlier runs` : ''
  const lines: string[] = [options.marker ?? STICKY_MARKER, `## ${options.title ?? 'mlnode-bench'}: ${incomplete ? '⚠️ INCOMPLETE · ' : ''}${headline(diff, status, invalid)}${kept}`, '']
  if (incomplete) lines.push('> [!WARNING]', `> ${esc(incomplete)}.`, '')
  const problems = status ? baselineProblems(status) : []
  if (problems.length > 0) lines.push('> [!CAUTION]', ...problems.map((p) => `> - ${esc(p)}`), '')
  const statusText = (e: EntryDiff) => (invalid.has(keyId(e)) ? '⚠️ baseline entry invalid, not judged' : entryStatusText(e))
  const simulatedTargets = [...new Set(diff.entries.filter((e) => e.simulated && e.result).map((e) => describeTarget(e.result!.target)))].sort()
  if (simulatedTargets.length > 0)
    lines.push(`> [!NOTE]`, `> **Simulated results** (${simulatedTargets.join(', ')}): figures come from the embedded simulator, not from GPUs.`, '')
  lines.push(provenanceLine(diff, options.run, status), '')
  const failed = diff.entries.filter((e) => e.status === 'failed')
  if (failed.length > 0) {
    lines.push(`### ❌ ${failed.length} failed`, '')
    for (const e of failed) lines.push(`- **${esc(e.model)}** ${esc(e.variant)} › ${esc(e.workload)}: ${failureText(e)}`)
    lines.push('')
  }
  lines.push(...validationSection(diff.entries.flatMap((e) => (e.result && e.status !== 'kept' ? [e.result] : []))))
  for (const [title, group] of groupByModelWorkload(diff.entries)) {
    const simulated = group.some((e) => e.simulated)
    lines.push(`### ${esc(title)}${simulated ? ' (simulated)' : ''}`, '')
    lines.push('| Variant | Metric | Baseline | This run | Change | Significance | Verdict |', '|---|---|--:|--:|--:|---|---|')
    for (const e of group) {
      const rows = e.metrics.filter((m) => HEADLINE.includes(m.metric) || m.verdict === 'regressed' || m.verdict === 'improved')
      if (rows.length === 0 || invalid.has(keyId(e))) lines.push(`| ${esc(e.variant)} | — | | | | | ${statusText(e)} |`)
      if (!invalid.has(keyId(e))) for (const m of rows) lines.push(metricRow(e, m, simulated))
    }
    lines.push('')
    const detailed = group.filter((e) => e.metrics.length > 0)
    if (detailed.length > 0) {
      lines.push('<details><summary>All metrics and notes</summary>', '')
      for (const e of detailed) {
        lines.push(`**${esc(e.variant)}** (${statusText(e)})`, '', '| Metric | Baseline | This run | Change | Test | Note |', '|---|--:|--:|--:|---|---|')
        for (const m of e.metrics) lines.push(`| ${m.label} (${m.unit}) | ${fig(m.base)} | ${fig(m.next)} | ${formatChange(m.change)} | ${m.test} | ${esc(m.note)} |`)
        lines.push('')
      }
      lines.push('</details>', '')
    }
  }
  const missing = diff.entries.filter((e) => e.status === 'missing')
  if (missing.length > 0) {
    lines.push(`<details><summary>${missing.length} in the baseline but not in this run</summary>`, '')
    for (const e of missing) lines.push(`- ${esc(e.model)} › ${esc(e.variant)} › ${esc(e.workload)}`)
    lines.push('', '</details>', '')
  }
  lines.push(...serverSection(diff.entries.flatMap((e) => (e.result ? [e.result] : []))))
  lines.push(...gpuSection(diff.entries.flatMap((e) => (e.result ? [e.result] : []))))
  lines.push(...startupSection(diff.entries.flatMap((e) => (e.result ? [e.result] : []))))
  lines.push(...predictionSection(diff.entries.flatMap((e) => (e.result ? [e.result] : []))))
  lines.push(...keptSection(options.kept ?? []))
  lines.push(methodLine(diff))
  return `${lines.join('\n')}\n`
}

/**
 * The summary a run writes when it starts: if the run never ends normally this is what stays,
 * so an earlier run's summary is never mistaken for this one's.
 */
export function renderRunningMarkdown(run: RunInfo, kept: readonly BenchResult[], measured: readonly BenchResult[] = [], options: Pick<MarkdownOptions, 'title' | 'marker'> = {}): string {
  const lines = [options.marker ?? STICKY_MARKER, `## ${options.title ?? 'mlnode-bench'}: ⚠️ INCOMPLETE: ${runLabel(run)} has not finished`, '']
  lines.push('> [!WARNING]', `> ${esc(incompleteText(run) ?? '')}.`, '')
  if (measured.length > 0) {
    // Not compared with the baseline yet: that happens once, at the run's end.
    lines.push(`### ⏳ ${measured.length} measured so far (not compared with the baseline yet)`, '', '| Model | Variant | Workload | Status |', '|---|---|---|---|')
    for (const r of measured) lines.push(`| ${esc(r.model)} | ${esc(r.variant)} | ${esc(r.workload)} | ${statusIcon(r)} |`)
    lines.push('')
  }
  lines.push(...keptSection(kept))
  return `${lines.join('\n')}\n`
}

/** vLLM's own view of each workload (its /metrics pages): KV use, queue, preemptions, prefix-cache hits. */
function serverSection(results: readonly BenchResult[]): string[] {
  const measured = results.filter((r) => r.serverTelemetry)
  if (measured.length === 0) return []
  const columns = ['KV use peak', 'KV use mean', 'queue mean', 'preemptions', 'prefix hits']
  const rows = measured.map((r) => {
    const cells = new Map(telemetryCells(r.serverTelemetry!))
    const missing = r.serverTelemetry!.unavailable.length ? `not available: ${r.serverTelemetry!.unavailable.join('; ')}` : ''
    return `| ${esc(r.model)} › ${esc(r.variant)} › ${esc(r.workload)}${r.target.kind === 'simulated' ? ' (simulated)' : ''} | ${columns.map((c) => cells.get(c) ?? '—').join(' | ')} | ${esc(missing)} |`
  })
  return ['### Server view (vLLM /metrics)', '', 'Sampled from every replica\'s Prometheus page while the workload ran: gauges at each sample, counters as their increase.', '', `| Bench | ${columns.join(' | ')} | Note |`, `|---|${columns.map(() => '--:').join('|')}|---|`, ...rows, '']
}

/** One row per validated variant: the network's similarity against the reference and the verdict. */
function validationSection(results: readonly BenchResult[]): string[] {
  const rows = results.filter((r) => r.workload === VALIDATION_WORKLOAD)
  if (rows.length === 0) return []
  const failing = failedValidation(rows)
  const lines = ['### Inference validation', '', "The network's CompareLogits of each variant's replayed answers against the reference's (docs/validation-check.md); a variant at or below the threshold is never recommended.", '', '| Model | Variant | Min similarity | Median | ≤ threshold | Threshold | Mode | Reference | First differing token | Verdict |', '|---|---|--:|--:|--:|--:|---|---|---|---|']
  for (const r of rows) {
    const v = r.validation
    const sim = r.target.kind === 'simulated' ? ' (sim)' : ''
    if (!v) {
      lines.push(`| ${esc(r.model)} | ${esc(r.variant)} | — | — | — | — | — | — | — | ❌ ${esc(firstLine(r.failure?.message ?? r.status))} |`)
      continue
    }
    const diff = v.firstDifference ? `${esc(v.firstDifference.probe)} @${v.firstDifference.position}: ${esc(v.firstDifference.referenceToken)} → ${esc(v.firstDifference.variantToken)}` : '—'
    const mode = v.mode === 'exact-tokens' ? `exact-tokens (${esc(v.modeReason ?? '')})` : v.mode
    const verdict = failing.has(`${r.model}|${r.variant}`) ? '❌ fails validation' : '✅ passes'
    lines.push(`| ${esc(r.model)} | ${esc(r.variant)} | ${v.minSimilarity.toFixed(4)}${sim} | ${v.medianSimilarity.toFixed(4)}${sim} | ${Math.round(v.belowThresholdShare * 100)} % of ${v.compared} | ${v.threshold} | ${mode} | ${esc(v.reference)} | ${diff} | ${verdict} |`)
  }
  return [...lines, '']
}

/** The model's prediction beside each measured figure, for results that carry one (real runs of known GPUs). */
function predictionSection(results: readonly BenchResult[]): string[] {
  const rows = results.flatMap((r) => predictionRows(r).map((x) => `| ${esc(r.model)} › ${esc(r.variant)} › ${esc(r.workload)} | ${x.label} (${x.unit}) | ${fig(x.measured)} | ${fig(x.predicted)} | ×${x.ratio.toFixed(2)} | ${esc(predictionSource(r))} |`))
  if (rows.length === 0) return []
  return ['### Predicted vs measured', '', 'Measured / predicted: above 1 on a latency or below 1 on a rate, the model was optimistic.', '', '| Bench | Figure | Measured | Predicted | Measured / predicted | By |', '|---|---|--:|--:|--:|---|', ...rows, '']
}

function statusIcon(r: BenchResult): string {
  return r.status === 'failed' ? `❌ ${r.failure?.kind ?? 'failed'}` : r.status === 'passed' ? '✅ passed' : '⏭️ skipped'
}

function keptSection(kept: readonly BenchResult[]): string[] {
  if (kept.length === 0) return []
  const lines = [`### ⏮️ ${kept.length} kept from earlier runs (not re-run now, not judged)`, '', '| Model | Variant | Workload | Status | Measured by |', '|---|---|---|---|---|']
  for (const r of kept) {
    lines.push(`| ${esc(r.model)} | ${esc(r.variant)} | ${esc(r.workload)} | ${statusIcon(r)} | ${r.run ? esc(runLabel(r.run)) : 'an earlier run'} |`)
  }
  return [...lines, '']
}

function headline(diff: BaselineDiff, status: BaselineStatus | undefined, invalid: ReadonlySet<string>): string {
  // A result whose baseline entry is invalid counts as "not gated", not as new.
  const c = { ...diff.counts, new: diff.entries.filter((e) => e.status === 'new' && !invalid.has(keyId(e))).length }
  const parts = [
    `${c.regressed} regression${c.regressed === 1 ? '' : 's'}`,
    `${c.improved} improvement${c.improved === 1 ? '' : 's'}`,
    `${c.unchanged} unchanged`,
  ]
  if (c.inconclusive) parts.push(`${c.inconclusive} inconclusive`)
  if (c.failed) parts.push(`${c.failed} failed`)
  if (c.new) parts.push(`${c.new} new`)
  if (c.missing) parts.push(`${c.missing} missing`)
  if (c.targetChanged) parts.push(`${c.targetChanged} on another target`)
  // The baseline's own state comes first: a gate that was off is never a green headline.
  const gate = status ? baselineHeadline(status) : undefined
  if (gate) parts.unshift(gate)
  const icon = c.regressed > 0 || c.failed > 0 || (status && baselineProblems(status).length > 0) ? '❌' : gate ? '⚠️' : '✅'
  return `${icon} ${parts.join(' · ')}`
}

function provenanceLine(diff: BaselineDiff, run: Provenance | undefined, status: BaselineStatus | undefined): string {
  const commit = (p: Provenance | undefined) => (p?.git ? `\`${p.git.commit.slice(0, 7)}\`${p.git.dirty ? ' (dirty)' : ''}` : 'unknown commit')
  const base = status?.state === 'corrupt'
    ? `Baseline ${esc(status.file)} is corrupt and was not used.`
    : status?.state === 'missing' && status.required
      ? `No baseline at ${esc(status.file)}.`
      : diff.baselineFound ? `Baseline: ${commit(diff.baselineProvenance)} of ${diff.baselineProvenance!.date.slice(0, 10)}` : 'No baseline yet: every result is new (accept with `MLNODE_BENCH_UPDATE_BASELINE=1`).'
  return run ? `${base} · This run: ${commit(run)}` : base
}

function methodLine(diff: BaselineDiff): string {
  const floor = Math.round(diff.options.tolerances.ttftMs * 100)
  const unknown = Math.round(diff.options.unknownNoiseTolerance * 100)
  return `<sub>A regression is a change beyond the metric's tolerance that is also significant at α = ${diff.options.alpha} (one-sided Mann-Whitney U on the latency histograms, Fisher exact on failure and SLO proportions). Tolerance of latency medians and throughputs: 4 × the run-to-run noise recorded in the baseline (95 % upper bound), at least ±${floor} %; ±${floor} % on the deterministic simulator; ±${unknown} % while the noise is unknown (fewer than 2 accepted runs).</sub>`
}

function metricRow(e: EntryDiff, m: MetricComparison, simulated: boolean): string {
  const sig = evidenceText(m)
  const unit = simulated ? `${m.unit}, sim` : m.unit
  return `| ${esc(e.variant)} | ${m.label} (${unit}) | ${fig(m.base)} | ${fig(m.next)} | ${formatChange(m.change)} | ${sig} | ${ICON[m.verdict]} |`
}

function entryStatusText(e: EntryDiff): string {
  switch (e.status) {
    case 'compared':
      return 'compared'
    case 'new':
      return '🆕 new, no baseline'
    case 'failed':
      return `❌ ${failureText(e)}`
    case 'skipped':
      return '⏭️ skipped'
    case 'missing':
      return 'missing from this run'
    case 'kept':
      return 'kept from an earlier run, not re-run'
    case 'target-changed':
      return `⚠️ target changed (${esc(e.metrics[0]?.note ?? '')}), not judged`
  }
}

function failureText(e: EntryDiff): string {
  const f = e.result?.failure
  return f ? `${f.kind}${f.code ? ` (${f.code})` : ''}: ${esc(firstLine(f.message))}` : 'failed'
}

function groupByModelWorkload(entries: readonly EntryDiff[]): Array<[string, EntryDiff[]]> {
  const groups = new Map<string, EntryDiff[]>()
  for (const e of entries) {
    if (e.status === 'missing' || e.status === 'kept' || e.status === 'failed' || e.workload === VALIDATION_WORKLOAD) continue
    const title = `${e.model} — ${e.workload}`
    groups.set(title, [...(groups.get(title) ?? []), e])
  }
  return [...groups].sort(([a], [b]) => a.localeCompare(b))
}

function fig(x: number | undefined): string {
  return x === undefined ? '—' : formatNumber(x)
}

function firstLine(text: string): string {
  return text.split('\n')[0]!.slice(0, 300)
}

/** Escapes table separators and HTML so names and messages cannot break the comment. */
function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ')
}
