/**
 * Tells the simulator log when the wall clock cannot keep its speed: the share of each second
 * spent in stalls the clock absorbed by shifting simulated time (WallClock lateness policy).
 */
import { latenessBetween } from './clock.js'
import type { WallClock } from './wall-clock.js'

/** Stall share of one second above which the simulator logs that it cannot keep its speed. @default 0.1 */
export const PACING_WARN_SHARE = 0.1

/**
 * Every second, compares two lateness snapshots and logs (at most every 10 s) when over
 * PACING_WARN_SHARE of that second went to stalls: times measured then run long by about that
 * share (too many chunks per second for this machine at this speed). Returns the unref'd
 * interval (clear it on close).
 */
export function watchPacing(clock: Pick<WallClock, 'lateness' | 'speed'>, log: (line: string) => void, periodMs = 1000): NodeJS.Timeout {
  let before = clock.lateness()
  let lastWarnMs = Number.NEGATIVE_INFINITY
  const timer = setInterval(() => {
    const now = clock.lateness()
    const w = latenessBetween(before, now)
    before = now
    if (w.driftShare > PACING_WARN_SHARE && now.atMs - lastWarnMs >= 10_000) {
      lastWarnMs = now.atMs
      log(`pacing: the simulator stalled ${(100 * w.driftShare).toFixed(0)}% of the last ${(w.wallMs / 1000).toFixed(1)} s at speed ${clock.speed} (${w.shifts} timeline shifts): times measured then run long by about that share; lower the speed (mlnode-bench sim --speed) or the number of streams`)
    }
  }, periodMs)
  timer.unref()
  return timer
}
