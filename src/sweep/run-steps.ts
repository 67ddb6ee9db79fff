/**
 * The sweep loop shared by a suite's run (each step measured on the target) and `predict --sweep`
 * (each step predicted by the model): steps lowest load first, a progress line with the ETA after
 * each, and an early stop once the SLO is broken for good or the time budget would be overrun.
 */
import type { Slo, WorkloadMetrics } from '../contracts/records.js'
import type { SweepResult, SweepStepResult } from '../contracts/results.js'
import type { WorkloadSpec } from '../contracts/workload.js'
import { formatDurationS } from '../run/progress.js'
import { foldSweep, measuredStep, sloBrokenForGood, stopAfterOf } from './fold.js'
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
  const loads = sweepLoads(sweep)
  const attainment = sweep.attainment ?? DEFAULT_ATTAINMENT
  const steps: SweepStepResult[] = []
  const startMs = now()
  let stopped: SweepResult['stopped']
  for (const [index, load] of loads.entries()) {
    const elapsedS = (now() - startMs) / 1000
    const meanStepS = index > 0 ? elapsedS / index : 0
    if (index > 0 && sweep.budgetS !== undefined && elapsedS + meanStepS > sweep.budgetS) {
      stopped = { reason: 'budget', afterLoad: loads[index - 1]! }
      o.print?.(`${o.label ?? o.spec.name}: time budget ${formatDurationS(sweep.budgetS)} would be overrun by the next step (${formatDurationS(elapsedS)} elapsed, ~${formatDurationS(meanStepS)} a step): ${loads.length - index} step(s) skipped`)
      break
    }
    const stepStartMs = now()
    const metrics = yield { spec: sweepStepSpec(o.spec, load, index), load, index }
    const step = measuredStep(load, metrics, attainment, (now() - stepStartMs) / 1000)
    steps.push(step)
    const doneS = (now() - startMs) / 1000
    const etaS = (doneS / (index + 1)) * (loads.length - index - 1)
    const broken = index < loads.length - 1 && sloBrokenForGood(steps, stopAfterOf(sweep))
    o.print?.(
      `${o.label ?? o.spec.name}: step ${index + 1}/${loads.length} ${loadText(load, sweep.over)}: ${(step.goodShare! * 100).toFixed(1)} % within the SLO (need ${(attainment * 100).toFixed(0)} %) → ${step.state}; ` +
        `${formatDurationS(doneS)} elapsed${broken || index === loads.length - 1 ? '' : `, ETA ${formatDurationS(etaS)}`}`,
    )
    if (broken) {
      stopped = { reason: 'slo-broken', afterLoad: load }
      o.print?.(`${o.label ?? o.spec.name}: SLO broken in ${stopAfterOf(sweep)} steps in a row: ${loads.length - index - 1} higher step(s) skipped`)
      o.onStep?.(foldSweep(sweep, o.slo, withSkipped(steps, loads), stopped))
      break
    }
    o.onStep?.(foldSweep(sweep, o.slo, steps))
  }
  return foldSweep(sweep, o.slo, withSkipped(steps, loads), stopped)
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
