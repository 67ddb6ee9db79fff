/**
 * The precision of one workload's measurement (MeasurementResolution): how late the client's
 * stamps could be, and, against the simulator, how late its events ran and how much of the run
 * its clock lost to stalls (src/sim/clock.ts). The gate never calls a change smaller than this a
 * regression (src/report/diff.ts).
 */
import type { MeasurementResolution } from '../report/model.js'
import { LATENESS_BUCKETS_MS, latenessBetween, type ClockLateness } from '../sim/index.js'

/** The upper edge of the lateness bucket holding the 99th percentile event, real ms. */
export function lateP99Ms(lateCounts: readonly number[], maxMs: number): number {
  const total = lateCounts.reduce((a, b) => a + b, 0)
  if (total === 0) return 0
  let seen = 0
  for (let i = 0; i < lateCounts.length; i++) {
    seen += lateCounts[i]!
    if (seen >= 0.99 * total) return Math.min(LATENESS_BUCKETS_MS[i] ?? maxMs, maxMs)
  }
  return maxMs
}

export function measurementResolution(input: {
  speed: number
  clientLoopDelayP99Ms: number
  simBefore?: ClockLateness
  simAfter?: ClockLateness
}): MeasurementResolution {
  const window = input.simBefore && input.simAfter ? latenessBetween(input.simBefore, input.simAfter) : undefined
  const simLatenessP99Ms = window ? lateP99Ms(window.lateCounts, window.maxMs) : undefined
  const round = (x: number) => Math.round(x * 1000) / 1000
  return {
    latencyMs: round(input.speed * (input.clientLoopDelayP99Ms + (simLatenessP99Ms ?? 0))),
    rateShare: round(window?.driftShare ?? 0),
    clientLoopDelayP99Ms: round(input.clientLoopDelayP99Ms),
    ...(simLatenessP99Ms === undefined ? {} : { simLatenessP99Ms: round(simLatenessP99Ms) }),
  }
}
