/**
 * The precision of one workload's measurement (MeasurementResolution). With the simulator's own
 * stamps (simulated time) it is exact; with the client's stamps (a real server) a stamp can be
 * late by the client's event-loop delay, and a stall of the loop stretches every duration that
 * spans it. The gate never calls a change smaller than this a regression (src/report/diff.ts).
 */
import type { MeasurementResolution } from '../contracts/results.js'

/** The client's event-loop delay over one workload, real ms. */
export interface ClientLoopDelay {
  p99Ms: number
  maxMs: number
  /** Sum of the delays beyond the sampling interval: time the loop could not stamp anything. */
  stalledMs: number
  /** Real ms the workload lasted. */
  wallMs: number
}

export function measurementResolution(input: { simulatedTime: boolean; clientLoopDelay: ClientLoopDelay }): MeasurementResolution {
  const round = (x: number) => Math.round(x * 1000) / 1000
  const d = input.clientLoopDelay
  const clientLoopDelayP99Ms = round(d.p99Ms)
  if (input.simulatedTime) return { stamps: 'simulator', latencyMs: 0, rateShare: 0, clientLoopDelayP99Ms }
  return { stamps: 'client', latencyMs: clientLoopDelayP99Ms, rateShare: round(d.wallMs > 0 ? Math.min(1, d.stalledMs / d.wallMs) : 0), clientLoopDelayP99Ms }
}
