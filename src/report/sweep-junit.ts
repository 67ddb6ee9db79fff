/** A sweep workload's JUnit properties: the capacity at SLO, its bracket and one property per step's key figures. */
import type { SweepResult } from '../contracts/results.js'
import { formatNumber } from './format.js'

/** `sim` is 'simulated_' on a simulator, as the load's figures are prefixed. */
export function sweepProperties(s: SweepResult, sim: string): Array<[string, string]> {
  const [low, high] = s.capacityAtSlo.bracket
  const out: Array<[string, string]> = [
    [`${sim}capacity_at_slo`, formatNumber(s.capacityAtSlo.value)],
    ['capacity_at_slo_unit', s.unit],
    ['capacity_at_slo_bracket', `[${low === null ? '—' : formatNumber(low)}, ${high === null ? '—' : formatNumber(high)})`],
    ['sweep_over', s.over],
    ['sweep_attainment', String(s.attainment)],
    ['sweep_steps', `${s.steps.filter((x) => x.state !== 'skipped').length}/${s.steps.length}`],
  ]
  if (s.stopped) out.push(['sweep_stopped', `${s.stopped.reason} after ${formatNumber(s.stopped.afterLoad)}`])
  for (const step of s.steps) {
    if (!step.metrics) continue
    const at = `sweep_${formatNumber(step.load)}`
    out.push([`${sim}${at}_good_share`, (step.goodShare ?? 0).toFixed(4)], [`${sim}${at}_ttft_p99_ms`, formatNumber(step.metrics.ttftMs.p99Ms)], [`${sim}${at}_tpot_p99_ms`, formatNumber(step.metrics.tpotMs.p99Ms)])
  }
  return out
}
