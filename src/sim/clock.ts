/**
 * Two clocks for one engine. Both keep a queue of events keyed by SIMULATED seconds; they differ
 * only in when an event runs:
 * - virtual: as soon as the CPU allows, in time order (predict, tests). `drain()` runs the queue
 *   synchronously; with `autoDrain` (HTTP servers) it drains in batches on setImmediate so sockets
 *   still get served between events.
 * - wall: at `origin + simulatedS / speed` real seconds. A result measured against a wall clock
 *   of speed K maps back to simulated seconds as `simulatedS = measuredS * K` (see README in index.ts).
 *   When the process stalls, `origin` moves forward by the stall (WallClock: lateness policy).
 *
 * Callers always pass logical (simulated) event times computed from the previous event, never
 * "now": given the same arrival stamps, the simulated timeline (every step's start, duration and
 * end) is the same on both clocks; a late wall clock only changes WHEN, in real time, events run.
 */

/** Cancels a scheduled event; a no-op once it ran. */
export type CancelFn = () => void

/** Options of {@link SimClock.at}. */
export interface AtOptions {
  /**
   * A request's arrival: runs before the other events of the same simulated instant (arrivals
   * among themselves first-in first-out), so an arrival scheduled late in real time (the client's
   * request reached the socket after the instant's step ends were queued) is ordered as if it had
   * been queued first. @default false
   */
  arrival?: boolean
}

/** A clock of simulated seconds that runs scheduled events (virtual or wall-paced). */
export interface SimClock {
  readonly kind: 'virtual' | 'wall'
  /** Wall-clock speed-up factor (simulated seconds per real second); Infinity for virtual. */
  readonly speed: number
  /** Current simulated time, seconds since the clock started. */
  nowS(): number
  /** Runs `fn(atS)` at simulated time `atS` (immediately in order if already past). */
  at(atS: number, fn: (atS: number) => void, options?: AtOptions): CancelFn
  /** Stops timers and drops pending events. */
  dispose(): void
}

export { Timeline } from './wall-timeline.js'
export { latenessBetween, LATENESS_BUCKETS_MS } from './clock-lateness.js'
export type { ClockLateness, LatenessWindow } from './clock-lateness.js'
