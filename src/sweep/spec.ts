/**
 * A sweep workload (`sweep: { over, from, to, steps, attainment?, stopAfterFailedSteps?, budgetS? }`):
 * its validation at the edge and its load steps, each an ordinary WorkloadSpec (docs/metrics.md
 * "Capacity at SLO").
 */
import { MlnodeBenchError } from '../errors.js'
import type { Slo } from '../contracts/records.js'
import type { SweepSpec, WorkloadSpec } from '../contracts/workload.js'

/** DistServe's SLO attainment goal (Zhong et al., OSDI 2024, https://arxiv.org/abs/2401.09670 §2): 90 % of requests within the SLO. */
export const DEFAULT_ATTAINMENT = 0.9
/** Two failing steps in a row: one may be noise, two say the SLO is broken for good. */
export const DEFAULT_STOP_AFTER_FAILED_STEPS = 2
/** More steps than this is a mistake (each step is a whole workload). */
export const MAX_SWEEP_STEPS = 50

const SWEEP_FIELDS = new Set(['over', 'from', 'to', 'steps', 'search', 'attainment', 'stopAfterFailedSteps', 'budgetS'])

function show(value: unknown): string {
  const text = JSON.stringify(value)
  return text === undefined ? String(value) : text
}

/**
 * Throws MlnodeBenchError('MLNB_CONFIG') naming the source, the workload, the field and its value.
 * Called by validateWorkload after the workload's own fields passed.
 */
export function validateSweep(spec: WorkloadSpec, source: string | undefined = spec.source): void {
  const where = source === undefined ? '' : `${source}: `
  const fail = (field: string, value: unknown, why: string): never => {
    throw new MlnodeBenchError('MLNB_CONFIG', `${where}workload "${spec.name}": ${field} = ${show(value)} ${why}`, { details: { source, workload: spec.name, field, value } })
  }
  const raw = spec.sweep as unknown
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) fail('sweep', raw, "must be an object { over: 'rate' | 'concurrency', from, to, steps, attainment?, stopAfterFailedSteps?, budgetS? }")
  const s = raw as Record<string, unknown>
  for (const key of Object.keys(s)) if (!SWEEP_FIELDS.has(key)) fail(`sweep.${key}`, s[key], `is not a sweep field (known: ${[...SWEEP_FIELDS].join(', ')})`)
  if (s.over !== 'rate' && s.over !== 'concurrency') fail('sweep.over', s.over, "must be 'rate' or 'concurrency'")
  const whole = s.over === 'concurrency'
  for (const field of ['from', 'to'] as const) {
    const v = s[field]
    if (!(typeof v === 'number' && Number.isFinite(v) && v > 0 && (!whole || Number.isInteger(v)))) fail(`sweep.${field}`, v, whole ? 'must be an integer ≥ 1 (concurrent requests)' : 'must be a finite number > 0 (req/s)')
  }
  if ((s.to as number) <= (s.from as number)) fail('sweep.to', s.to, `must be above sweep.from (${String(s.from)})`)
  if (!(typeof s.steps === 'number' && Number.isInteger(s.steps) && s.steps >= 2 && s.steps <= MAX_SWEEP_STEPS)) fail('sweep.steps', s.steps, `must be an integer from 2 to ${MAX_SWEEP_STEPS}`)
  if (s.search !== undefined && typeof s.search !== 'boolean') fail('sweep.search', s.search, 'must be true or false')
  if (whole && s.search !== true && (s.steps as number) > (s.to as number) - (s.from as number) + 1) fail('sweep.steps', s.steps, `is more than the ${(s.to as number) - (s.from as number) + 1} whole concurrencies from ${String(s.from)} to ${String(s.to)}`)
  if (s.attainment !== undefined && !(typeof s.attainment === 'number' && s.attainment > 0 && s.attainment <= 1)) fail('sweep.attainment', s.attainment, 'must be a share in (0, 1]')
  if (s.stopAfterFailedSteps !== undefined && !(typeof s.stopAfterFailedSteps === 'number' && Number.isInteger(s.stopAfterFailedSteps) && s.stopAfterFailedSteps >= 1)) fail('sweep.stopAfterFailedSteps', s.stopAfterFailedSteps, 'must be an integer ≥ 1')
  if (s.budgetS !== undefined && !(typeof s.budgetS === 'number' && Number.isFinite(s.budgetS) && s.budgetS > 0)) fail('sweep.budgetS', s.budgetS, 'must be a finite number > 0 (real seconds)')
  if (whole && spec.arrival !== undefined) fail('arrival', spec.arrival, "must be unset with sweep.over 'concurrency' (the sweep sets the closed loop's concurrency)")
  if (!whole && spec.concurrency !== undefined) fail('concurrency', spec.concurrency, "must be unset with sweep.over 'rate' (an open loop; cap it with arrival.maxConcurrency)")
}

/**
 * A sweep needs the SLO its steps are judged by: the workload's `slo`, else the suite's.
 * @throws MlnodeBenchError MLNB_CONFIG naming the workload when neither is set.
 */
export function sweepSlo(spec: WorkloadSpec, suiteSlo: Slo | undefined, where: string): Slo {
  const slo = spec.slo ?? suiteSlo
  if (slo === undefined || Object.values(slo).every((v) => v === undefined)) {
    throw new MlnodeBenchError('MLNB_CONFIG', `${where}: workload "${spec.name}": sweep needs an SLO to judge its steps by: set slo { ttftMs?, tpotMs?, e2elMs? } on the workload or the suite`, {
      details: { source: where, workload: spec.name, field: 'slo' },
    })
  }
  return slo
}

/** The loads of the steps, lowest first: evenly spaced, concurrencies rounded to whole workers. */
export function sweepLoads(sweep: SweepSpec): number[] {
  const loads: number[] = []
  for (let i = 0; i < sweep.steps; i++) {
    const x = sweep.from + ((sweep.to - sweep.from) * i) / (sweep.steps - 1)
    const load = sweep.over === 'concurrency' ? Math.round(x) : Number(x.toPrecision(6))
    if (loads.at(-1) !== load) loads.push(load)
  }
  return loads
}

/** The load with its unit, as step names and reports show it. */
export function loadText(load: number, over: SweepSpec['over']): string {
  return over === 'rate' ? `${load} req/s` : `concurrency ${load}`
}

/**
 * Step `index` of the sweep as an ordinary workload: the load set, a name saying it, and its own
 * seed, so no step replays another's prompts into the prefix cache.
 */
export function sweepStepSpec(spec: WorkloadSpec, load: number, index: number): WorkloadSpec {
  const { sweep, ...base } = spec
  const over = sweep!.over
  const step: WorkloadSpec = { ...base, name: `${spec.name} @ ${loadText(load, over)}`, seed: (spec.seed ?? 0) + index }
  if (over === 'rate') step.arrival = { ...spec.arrival, ratePerS: load }
  else step.concurrency = load
  return step
}
