/**
 * How busy each pipeline stage of a simulated replica's GPUs was, as NVML's `utilization.gpu`
 * reports it (the share of a recent sample period in which a kernel ran; MLNode's
 * `/api/v1/gpu/devices` serves it as `utilization_percent`). Each engine step keeps stage s busy
 * for its share of the step: the stage's compute over the step's total (src/model/cost.ts
 * `breakdown`), so CPU overhead and a pipeline's bubble (a stage waiting for the micro-batch in
 * another) show as idle GPU. The window is one simulated second.
 */
import type { StepBatch } from '../model/types.js'

/** A plan that can say where a step's time goes, per stage (the planner's ModelInstancePlan). */
export interface StageCostPlan {
  costModel?: { breakdown(batch: StepBatch): { totalS: number; stageS: number[] }; constants: { stepOverheadS: number } }
}

/**
 * Each stage's share of one step's time (0–1); without a breakdown, every stage busy for all of
 * it. One stage: all but the fixed CPU time per step (`unscaledS`, the step's time before the
 * simulator's slowdown), without pricing the step twice.
 */
export function stageShares(plan: StageCostPlan, stages: number, batch: StepBatch, unscaledS: number): number[] {
  if (stages === 1 && plan.costModel !== undefined) return [unscaledS > 0 ? Math.max(0, 1 - plan.costModel.constants.stepOverheadS / unscaledS) : 0]
  const b = plan.costModel?.breakdown(batch)
  if (b === undefined || !(b.totalS > 0) || b.stageS.length !== stages) return new Array<number>(stages).fill(1)
  return b.stageS.map((s) => Math.min(1, s / b.totalS))
}

interface BusySpan {
  startS: number
  endS: number
  shares: number[]
}

/** The recent steps of one replica, and each stage's busy share of the last `windowS` seconds. */
export class StageBusy {
  private readonly spans: BusySpan[] = []

  constructor(
    readonly stages: number,
    readonly windowS = 1,
  ) {}

  record(startS: number, durationS: number, shares: readonly number[]): void {
    this.spans.push({ startS, endS: startS + durationS, shares: [...shares] })
    // Steps are recorded in time order: drop those wholly before any window still to be asked for.
    const horizon = startS - this.windowS
    while (this.spans.length > 0 && this.spans[0]!.endS < horizon) this.spans.shift()
  }

  /** Percent of the window ending at `nowS` each stage was busy (whole numbers, as NVML reports). */
  utilizationPercent(nowS: number): number[] {
    const from = nowS - this.windowS
    const busy = new Array<number>(this.stages).fill(0)
    for (const span of this.spans) {
      const overlap = Math.min(span.endS, nowS) - Math.max(span.startS, from)
      if (overlap <= 0) continue
      for (let s = 0; s < this.stages; s++) busy[s]! += overlap * (span.shares[s] ?? 1)
    }
    return busy.map((b) => Math.max(0, Math.min(100, Math.round((100 * b) / this.windowS))))
  }
}

/**
 * The plan an engine should step with, and each step's stage shares: with pipeline stages, the
 * step's own breakdown is kept when the engine prices the step, so it is not priced twice.
 */
export function withStageShares<P extends { engine: { pp: number }; stepCost: (batch: StepBatch) => number }>(plan: P): { plan: P; shares(batch: StepBatch, unscaledS: number): number[] } {
  const costed = plan as StageCostPlan
  const stages = plan.engine.pp
  if (stages === 1 || costed.costModel === undefined) return { plan, shares: (batch, unscaledS) => stageShares(costed, stages, batch, unscaledS) }
  const model = costed.costModel
  let last: { batch: StepBatch; totalS: number; stageS: number[] } | undefined
  const tracked = {
    ...plan,
    stepCost: (batch: StepBatch) => {
      const b = model.breakdown(batch)
      last = { batch, totalS: b.totalS, stageS: b.stageS }
      return b.totalS
    },
  }
  return {
    plan: tracked,
    shares: (batch, unscaledS) => (last?.batch === batch && last.totalS > 0 ? last.stageS.map((s) => Math.min(1, s / last!.totalS)) : stageShares(costed, stages, batch, unscaledS)),
  }
}
