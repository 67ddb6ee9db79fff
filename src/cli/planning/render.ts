/** `plan`'s output: the ranked table and the rejected variants, or one JSON object. */
import type { HardwareProfile } from '../../model/index.js'
import type { Objective, PlanOutcome, RankedVariant } from '../../planner/search.js'

export interface PlanReport {
  outcome: PlanOutcome
  hardware: HardwareProfile
  model: string
  mandatoryArgs: string[]
  /** Where the mandatory args come from when the command chose them (a network model's chain entry). */
  mandatorySource?: string
  objective: Objective
  top?: number | undefined
  elapsedS: number
  /** CPU seconds of this process (the machine's load does not inflate it). */
  cpuS: number
  calibration?: string
  suiteNote?: string
}

const mean = (xs: readonly number[]): number => xs.reduce((s, x) => s + x, 0) / Math.max(1, xs.length)
const fmt = (n: number, digits = 1): string => (Number.isFinite(n) ? n.toFixed(digits) : '-')

function row(rank: number, r: RankedVariant, objective: Objective): string[] {
  return [
    String(rank),
    r.mayNotStart === undefined ? r.name : `${r.name} (may not start)`,
    r.variantArgs.join(' '),
    String(r.instances),
    String(r.idleGpus),
    String(r.kvCapacityTokens),
    fmt(r.score, objective === 'goodput' ? 3 : 1),
    fmt(mean(r.predictions.map((p) => p.figures.output_tokens_per_s))),
    fmt(mean(r.predictions.map((p) => p.figures.ttft_mean_ms)), 0),
    fmt(mean(r.predictions.map((p) => p.figures.tpot_mean_ms)), 2),
  ]
}

function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)))
  const line = (cells: string[]): string => cells.map((c, i) => (i <= 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd()
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n')
}

const SCORE_LABEL: Record<Objective, string> = { throughput: 'out tok/s (gmean)', goodput: 'goodput req/s (gmean)', 'per-gpu': 'out tok/s/GPU (gmean)', capacity: 'capacity at SLO (gmean)' }

/** Text tables, or the JSON object with `--json`. */
export function renderPlan(report: PlanReport, json: boolean): string {
  const { outcome, hardware, objective } = report
  const shown = report.top === undefined ? outcome.ranked : outcome.ranked.slice(0, report.top)
  if (json) {
    return JSON.stringify({
      prediction: true,
      simulated: true,
      hardware: hardware.id,
      model: report.model,
      mandatoryArgs: report.mandatoryArgs,
      objective,
      ...(report.calibration ? { calibration: report.calibration } : {}),
      elapsedS: Number(report.elapsedS.toFixed(2)),
      cpuS: Number(report.cpuS.toFixed(2)),
      ranked: shown.map((r, i) => ({
        rank: i + 1,
        name: r.name,
        args: r.variantArgs,
        tp: r.tp,
        pp: r.pp,
        instances: r.instances,
        idleGpus: r.idleGpus,
        kvCapacityTokens: r.kvCapacityTokens,
        score: r.score,
        ...(r.mayNotStart === undefined ? {} : { mayNotStart: r.mayNotStart }),
        workloads: r.predictions.map((p) => ({ experiment: p.experiment, ...p.figures })),
      })),
      rejected: outcome.rejected,
      noGain: outcome.noGain,
      ...(outcome.cutShort ? { cutShort: outcome.cutShort } : {}),
      ...(report.suiteNote ? { suite: report.suiteNote } : {}),
    })
  }
  const lines = [
    `PLAN (predicted by the performance model, simulated, not measured): ${report.model} on ${hardware.id} (${hardware.description})`,
    `  mandatory args: ${report.mandatoryArgs.join(' ') || '(none)'}${report.mandatorySource ? ` (${report.mandatorySource})` : ''}; objective: ${objective}${report.calibration ? `; calibration ${report.calibration}` : '; uncalibrated'}`,
    '',
    table(
      ['#', 'variant', 'args', 'inst', 'idle', 'KV tok/inst', SCORE_LABEL[objective], 'out tok/s (mean)', 'TTFT ms (mean)', 'TPOT ms (mean)'],
      shown.map((r, i) => row(i + 1, r, objective)),
    ),
  ]
  if (outcome.ranked.length === 0) lines.push('  (no variant can start on this box)')
  if (objective === 'goodput') lines.push(...noGoodputNotes(outcome.ranked))
  const maybe = shown.filter((r) => r.mayNotStart !== undefined)
  if (maybe.length > 0) {
    lines.push('', `May not start (a memory margin within the model's known error; ranked anyway, a real start settles it) (${maybe.length}):`)
    for (const r of maybe) lines.push(`  ${r.name}: ${r.mayNotStart}`)
  }
  if (outcome.rejected.length > 0) {
    lines.push('', `Rejected (${outcome.rejected.length}):`)
    for (const r of outcome.rejected) lines.push(`  ${r.name.padEnd(10)} [${r.kinds.join(', ')}] ${r.reason}`)
  }
  if (outcome.noGain.length > 0) lines.push('', `Knobs predicted no better than their layout (not ranked): ${outcome.noGain.join(', ')}`)
  if (outcome.cutShort) lines.push('', `Note: ${outcome.cutShort}.`)
  if (report.suiteNote) lines.push('', report.suiteNote)
  lines.push('', `planned in ${report.elapsedS.toFixed(1)} s (${report.cpuS.toFixed(1)} s CPU)`)
  return lines.join('\n')
}

/**
 * The goodput score is a geometric mean over workloads: one workload where no request meets the
 * SLO puts every variant at 0.000. Say which workload that is, so the table reads as "the SLO is
 * out of reach there", not as a broken ranking.
 */
function noGoodputNotes(ranked: readonly RankedVariant[]): string[] {
  if (ranked.length === 0) return []
  const names = ranked[0]!.predictions.map((p) => p.experiment)
  const hopeless = names.filter((_, i) => ranked.every((r) => (r.predictions[i]?.metrics.goodputRequestsPerS ?? 0) === 0))
  if (hopeless.length === 0) return []
  return [
    '',
    `Note: on ${hopeless.map((n) => `"${n}"`).join(', ')} no ranked variant is predicted to serve any request within the SLO, so every goodput score (a geometric mean over the workloads) is 0: loosen --slo, or plan without ${hopeless.length === 1 ? 'that workload' : 'those workloads'}.`,
  ]
}
