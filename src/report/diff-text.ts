/** Plain-text lines of a baseline diff for terminals and CI logs (reporter and `diff` command). */
import { describeTarget, formatChange, formatNumber } from './format.js'
import { evidenceText, keyId, type BaselineDiff } from './diff.js'
import { baselineProblems, type BaselineStatus } from './baseline-status.js'

/**
 * A few lines: the counts, then one line per regression, failure, new and missing result. With a
 * `status`, a corrupt or missing baseline and each invalid entry are said first. Results a partial
 * run kept from earlier runs are only counted (the run already said it kept them).
 */
export function renderDiffText(diff: BaselineDiff, baselineLabel: string, status?: BaselineStatus, options: { accepting?: boolean } = {}): string {
  const c = diff.counts
  // A run that accepts its results (MLNODE_BENCH_UPDATE_BASELINE=1) must not tell the reader to accept them.
  const accept = options.accepting ? '; they are accepted now (MLNODE_BENCH_UPDATE_BASELINE=1).' : '. Accept them with MLNODE_BENCH_UPDATE_BASELINE=1.'
  const lines: string[] = []
  const invalid = new Set(status?.invalid.map(keyId))
  const missingText = `${c.missing} missing${c.kept ? `, ${c.kept} kept from earlier runs (not re-run)` : ''}`
  if (status && status.state !== 'found') lines.push(...(baselineProblems(status).length > 0 ? baselineProblems(status) : [`No baseline yet at ${baselineLabel}: ${c.new} result(s) are new, nothing was gated${accept}`]))
  else if (!diff.baselineFound) lines.push(`No baseline at ${baselineLabel}: ${c.new} result(s) are new${accept}`)
  else
    lines.push(
      `Baseline ${baselineLabel}: ${c.regressed} regression(s), ${c.improved} improvement(s), ${c.unchanged} unchanged, ${c.inconclusive} inconclusive` +
        `; ${c.new} new, ${missingText}, ${c.failed} failed${c.targetChanged ? `, ${c.targetChanged} on another target (not judged)` : ''}.`,
    )
  for (const e of status?.invalid ?? []) lines.push(`  NOT GATED ${e.model} › ${e.variant} › ${e.workload} (invalid baseline entry): ${e.message}`)
  for (const e of diff.entries) {
    const name = `${e.model} › ${e.variant} › ${e.workload}${e.simulated ? ' [simulated]' : ''}`
    if (e.status === 'compared') {
      for (const m of e.metrics.filter((x) => x.verdict === 'regressed'))
        lines.push(`  REGRESSION ${name}: ${m.label} ${formatNumber(m.base!)} → ${formatNumber(m.next!)} ${m.unit} (${formatChange(m.change)}, ${evidenceText(m)})`)
    } else if (e.status === 'new' && diff.baselineFound && !invalid.has(keyId(e))) lines.push(`  new (no baseline): ${name}`)
    else if (e.status === 'missing') lines.push(`  missing from this run: ${name}`)
    else if (e.status === 'target-changed' && e.base && e.result) lines.push(`  not judged, target changed ${describeTarget(e.base.target)} → ${describeTarget(e.result.target)}: ${name}`)
  }
  return lines.join('\n')
}
