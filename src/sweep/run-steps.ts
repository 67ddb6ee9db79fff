/**
 * The sweep loop shared by a suite's run (each step measured on the target) and `predict --sweep`
 * (each step predicted by the model): steps lowest load first, a progress line with the ETA after
 * each, and an early stop once the SLO is broken for good or the time budget would be overrun.
 */
import type { Slo, WorkloadMetrics } from '../contracts/records.js'
import type { SweepResult, SweepStepResult } from '../contracts/results.js'
import type { SweepSpec, WorkloadSpec } from '../contracts/workload.js'
import { formatDurationS } from '../text/duration.js'
import { capacityAtSlo, foldSweep, measuredStep, sloBrokenForGood, stopAfterOf } from './fold.js'
import { loadText, sweepLoads, sweepStepSpec } from './spec.js'
import { DEFAULT_ATTAINMENT } from './spec.js'

export interface SweepRunOptions {
  /** A workload with `sweep` set (validated). */
  spec: WorkloadSpec
  slo: Slo
  /** Measures (or predicts) one step, an ordinary workload; its metrics must carry goodput for `slo`. */
  measure: (step: WorkloadSpec, load: number, index: number) => Promise<WorkloadMetrics>
  /** Progress lines ("[model variant] workload: step 2/5 …, ETA 20 s"); none without. */
  print?: (line: string) => void
  label?: string
  /** After each step: the sweep so far (kept as a partial result should the run be interrupted). */
  onStep?: (sweep: SweepResult) => void
  /** Real ms. @default performance.now */
  now?: () => number
}

/** One step to measure: the driver measures `spec` and sends its metrics back into the loop. */
interface StepRequest {
  spec: WorkloadSpec
  load: number
  index: number
}

/**
 * The loop itself, as a generator so the async (a suite's target) and sync (`plan`'s model)
 * drivers share every rule: it yields each step to measure and receives its metrics.
 */
function* sweepLoop(o: Omit<SweepRunOptions, 'measure'>): Generator<StepRequest, SweepResult, WorkloadMetrics> {
  const sweep = o.spec.sweep!
  const now = o.now ?? (() => performance.now())
  // A grid has its loads fixed up front; a search has at most `steps` and picks each from the last.
  const loads = sweep.search ? [] : sweepLoads(sweep)
  const total = sweep.search ? sweep.steps : loads.length
  const attainment = sweep.attainment ?? DEFAULT_ATTAINMENT
  const steps: SweepStepResult[] = []
  const startMs = now()
  let stopped: SweepResult['stopped']
  for (let index = 0; index < total; index++) {
    const load = sweep.search ? nextSearchLoad(sweep, steps) : loads[index]!
    if (load === undefined) break
    const elapsedS = (now() - startMs) / 1000
    const meanStepS = index > 0 ? elapsedS / index : 0
    if (index > 0 && sweep.budgetS !== undefined && elapsedS + meanStepS > sweep.budgetS) {
      stopped = { reason: 'budget', afterLoad: steps.at(-1)!.load }
      o.print?.(`${o.label ?? o.spec.name}: time budget ${formatDurationS(sweep.budgetS)} would be overrun by the next step (${formatDurationS(elapsedS)} elapsed, ~${formatDurationS(meanStepS)} a step): ${sweep.search ? 'search' : `${total - index} step(s)`} skipped`)
      break
    }
    const stepStartMs = now()
    const metrics = yield { spec: sweepStepSpec(o.spec, load, index), load, index }
    const step = measuredStep(load, metrics, attainment, (now() - stepStartMs) / 1000)
    steps.push(step)
    const doneS = (now() - startMs) / 1000
    const etaS = (doneS / (index + 1)) * (total - index - 1)
    const broken = !sweep.search && index < total - 1 && sloBrokenForGood(steps, stopAfterOf(sweep))
    o.print?.(
      `${o.label ?? o.spec.name}: step ${index + 1}/${sweep.search ? '≤' : ''}${total} ${loadText(load, sweep.over)}: ${(step.goodShare! * 100).toFixed(1)} % within the SLO (need ${(attainment * 100).toFixed(0)} %) → ${step.state}; ` +
        `${formatDurationS(doneS)} elapsed${broken || index === total - 1 ? '' : `, ETA ${sweep.search ? '≤ ' : ''}${formatDurationS(etaS)}`}`,
    )
    if (broken) {
      stopped = { reason: 'slo-broken', afterLoad: load }
      o.print?.(`${o.label ?? o.spec.name}: SLO broken in ${stopAfterOf(sweep)} steps in a row: ${total - index - 1} higher step(s) skipped`)
      o.onStep?.(foldSweep(sweep, o.slo, withSkipped(steps, loads), stopped))
      break
    }
    o.onStep?.(foldSweep(sweep, o.slo, steps))
  }
  return foldSweep(sweep, o.slo, withSkipped(steps, loads), stopped)
}

/**
 * The search's next load: `from`, then `to` (unless `from` failed), then the middle of the bracket
 * [highest pass, lowest failure above it]; none once the bracket is one worker wide (concurrency)
 * or narrower than 3 % of its top (rate: finer than the gate's floor tells nothing).
 */
export function nextSearchLoad(sweep: SweepSpec, steps: readonly SweepStepResult[]): number | undefined {
  if (steps.length === 0) return sweep.from
  if (steps.length === 1) return steps[0]!.state === 'passed' ? sweep.to : undefined
  const [low, high] = capacityAtSlo(steps, 'req/s').bracket
  if (low === null || high === null) return undefined
  if (sweep.over === 'concurrency') {
    const mid = Math.floor((low + high) / 2)
    return mid > low && mid < high ? mid : undefined
  }
  if ((high - low) / high < 0.03) return undefined
  return Number(((low + high) / 2).toPrecision(6))
}

export async function runSweepSteps(o: SweepRunOptions): Promise<SweepResult> {
  const loop = sweepLoop(o)
  let next = loop.next()
  while (!next.done) next = loop.next(await o.measure(next.value.spec, next.value.load, next.value.index))
  return next.value
}

/** The same loop with a synchronous measure (the performance model's, in `plan`). */
export function runSweepStepsSync(o: Omit<SweepRunOptions, 'measure'> & { measure: (step: WorkloadSpec, load: number, index: number) => WorkloadMetrics }): SweepResult {
  const loop = sweepLoop(o)
  let next = loop.next()
  while (!next.done) next = loop.next(o.measure(next.value.spec, next.value.load, next.value.index))
  return next.value
}

/** The measured steps and a 'skipped' entry for every planned load not measured. */
function withSkipped(steps: readonly SweepStepResult[], loads: readonly number[]): SweepStepResult[] {
  const measured = new Set(steps.map((s) => s.load))
  return [...steps, ...loads.filter((l) => !measured.has(l)).map((load): SweepStepResult => ({ load, state: 'skipped' }))]
}
