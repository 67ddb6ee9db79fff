import { LATENESS_BUCKETS_MS, type ClockLateness } from './clock-lateness.js'

/**
 * The wall clock's mapping between real and simulated time, with its lateness policy (see
 * WallClock) and lateness counters. Pure: the caller passes real times (tests drive it directly).
 */
export class Timeline {
  /** Unrepaid shift (real ms) at real time `debtAtMs`; decreases at `catchUpRate` ms per ms. */
  private debtMs = 0
  private debtAtMs: number
  private maxNowS = 0
  private readonly late: Omit<ClockLateness, 'meanMs' | 'atMs' | 'lagMs'> = { events: 0, sumMs: 0, maxMs: 0, overOneMs: 0, lateCounts: new Array<number>(LATENESS_BUCKETS_MS.length + 1).fill(0), driftMs: 0, shifts: 0 }

  /** Real ms at which simulated time 0 happens (before shifts); moves on a speed change. */
  private originMs: number
  private currentSpeed: number

  constructor(
    speed: number,
    private readonly startMs: number,
    private readonly shiftAfterMs: number,
    private readonly shiftAfterFraction = 0,
    /** Real ms of shift repaid per real ms (simulated time runs 1 + rate times faster meanwhile); 0 = never. */
    private readonly catchUpRate = 0,
  ) {
    this.debtAtMs = startMs
    this.originMs = startMs
    this.currentSpeed = speed
  }

  /** Simulated seconds per real second. */
  get speed(): number {
    return this.currentSpeed
  }

  /**
   * From real time `realMs` on, simulated time runs `speed` times faster than real time; nowS()
   * continues from its current value and the lag is dropped (re-anchored).
   */
  setSpeed(speed: number, realMs: number): void {
    const s = this.nowS(realMs)
    this.currentSpeed = speed
    this.originMs = realMs - (s * 1000) / speed
    this.debtMs = 0
    this.debtAtMs = realMs
  }

  /** How far (real ms) the timeline lags its unshifted schedule at real time `realMs`. */
  lagMs(realMs: number): number {
    return Math.max(0, this.debtMs - this.catchUpRate * Math.max(0, realMs - this.debtAtMs))
  }

  /** Simulated seconds at real time `realMs`; never less than a value returned before. */
  nowS(realMs: number): number {
    const s = ((realMs - this.originMs - this.lagMs(realMs)) / 1000) * this.currentSpeed
    if (s > this.maxNowS) this.maxNowS = s
    return this.maxNowS
  }

  /** Real ms at which simulated time `atS` happens (after the shifts so far, while catching up). */
  wallMsAt(atS: number): number {
    const unshiftedMs = this.originMs + (atS * 1000) / this.currentSpeed
    const f = this.catchUpRate
    if (f === 0 || this.debtMs === 0) return unshiftedMs + this.debtMs
    // Solve t − lag(t) = unshifted: while in debt, lag(t) = debt − f·(t − debtAt).
    if (unshiftedMs >= this.debtAtMs + this.debtMs / f) return unshiftedMs
    return (unshiftedMs + this.debtMs + f * this.debtAtMs) / (1 + f)
  }

  /** Whether an event at `atS` is due at `realMs` (+1 ns: after a shift, events of the same instant compare as due despite rounding). */
  isDue(atS: number, realMs: number): boolean {
    return this.wallMsAt(atS) <= realMs + 1e-6
  }

  /**
   * Records that the event at `atS` runs at `realMs`; shifts the timeline if it is later than
   * max(shiftAfterMs, shiftAfterFraction × its step `gapS` in real ms).
   */
  ran(atS: number, realMs: number, gapS = 0): void {
    const lateMs = Math.max(0, realMs - this.wallMsAt(atS))
    const l = this.late
    l.events++
    l.sumMs += lateMs
    if (lateMs > l.maxMs) l.maxMs = lateMs
    if (lateMs > 1) l.overOneMs++
    let bucket = 0
    while (bucket < LATENESS_BUCKETS_MS.length && lateMs > LATENESS_BUCKETS_MS[bucket]!) bucket++
    l.lateCounts[bucket]!++
    if (lateMs > Math.max(this.shiftAfterMs, (this.shiftAfterFraction * gapS * 1000) / this.currentSpeed)) {
      // Simulated time stood still during the stall: later events keep their distance from this one.
      this.debtMs = this.lagMs(realMs) + lateMs
      this.debtAtMs = realMs
      l.driftMs += lateMs
      l.shifts++
    }
  }

  /**
   * Nothing is scheduled (every engine idle, no lifecycle timer): the lag is dropped, i.e.
   * simulated time jumps ahead to the unshifted schedule. Nobody can observe the jump, and a
   * stall absorbed during one workload does not carry into the next.
   */
  idle(realMs: number): void {
    this.debtMs = 0
    this.debtAtMs = realMs
  }

  /** Cumulative counters at real time `realMs`. */
  lateness(realMs: number): ClockLateness {
    const l = this.late
    return { ...l, lateCounts: [...l.lateCounts], meanMs: l.events === 0 ? 0 : l.sumMs / l.events, lagMs: this.lagMs(realMs), atMs: realMs - this.startMs }
  }
}
