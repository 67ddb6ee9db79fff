/** How late a wall clock ran its events, and the lateness of a window between two snapshots. */

/** Upper edges (real ms) of the lateness histogram in {@link ClockLateness.lateCounts}; one more bucket counts the rest. */
export const LATENESS_BUCKETS_MS: readonly number[] = [0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 50, 100]

/**
 * How late a wall clock ran its events, in REAL ms (× speed = simulated ms), cumulative since
 * the clock started. Counters are additive, so the lateness of one workload is the difference
 * of two snapshots ({@link latenessBetween}); `/health` `simulator.lateness` serves this object.
 */
export interface ClockLateness {
  /** Events run. */
  events: number
  /** Sum of every event's lateness (due → run), real ms. */
  sumMs: number
  /** sumMs / events (0 without events). */
  meanMs: number
  /** Largest lateness so far, real ms. */
  maxMs: number
  /** Events that ran more than 1 real ms late. */
  overOneMs: number
  /** Events per lateness bucket: `lateCounts[i]` ≤ LATENESS_BUCKETS_MS[i] (and above the previous edge); the last counts the rest. */
  lateCounts: number[]
  /**
   * Real ms by which the simulated timeline was shifted (stalls beyond the tolerance, see WallClock):
   * a duration measured across such stalls × speed overstates the simulated one by up to
   * driftMs × speed. Its share of a run's wall time is the run's pacing error.
   */
  driftMs: number
  /** How many times the timeline was shifted. */
  shifts: number
  /** Real ms by which the timeline lags its unshifted schedule now (shifts not yet made up). */
  lagMs: number
  /** Real ms since the clock started (the snapshot's own time). */
  atMs: number
}

/** Lateness of the window between two snapshots of the same clock (e.g. around one workload). */
export interface LatenessWindow extends Pick<ClockLateness, 'events' | 'meanMs' | 'overOneMs' | 'lateCounts' | 'driftMs' | 'shifts'> {
  /** Exact when the window raised the clock's maximum, else the upper edge of the highest non-empty bucket. */
  maxMs: number
  /** Real ms the window lasted. */
  wallMs: number
  /**
   * driftMs / wallMs: the share of the window spent in stalls the clock absorbed, i.e. the
   * window's pacing error: durations measured across it (TPOT, E2EL, a run's span) come out long
   * and rates short by about this share (more for requests that span more stalls).
   */
  driftShare: number
}

/** The lateness of the events run between snapshot `before` and snapshot `after`. */
export function latenessBetween(before: ClockLateness, after: ClockLateness): LatenessWindow {
  const events = after.events - before.events
  const lateCounts = after.lateCounts.map((c, i) => c - (before.lateCounts[i] ?? 0))
  let top = -1
  lateCounts.forEach((c, i) => {
    if (c > 0) top = i
  })
  const bucketBound = top < 0 ? 0 : (LATENESS_BUCKETS_MS[top] ?? Math.max(after.maxMs, LATENESS_BUCKETS_MS[LATENESS_BUCKETS_MS.length - 1]!))
  const wallMs = after.atMs - before.atMs
  const driftMs = after.driftMs - before.driftMs
  return {
    events,
    meanMs: events === 0 ? 0 : (after.sumMs - before.sumMs) / events,
    maxMs: after.maxMs > before.maxMs ? after.maxMs : bucketBound,
    overOneMs: after.overOneMs - before.overOneMs,
    lateCounts,
    driftMs,
    shifts: after.shifts - before.shifts,
    wallMs,
    driftShare: wallMs > 0 ? driftMs / wallMs : 0,
  }
}
