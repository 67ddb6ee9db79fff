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

interface QueuedEvent {
  atS: number
  /** Simulated distance from the event that scheduled it (or from "now"): its step's duration. */
  gapS: number
  /** 0 for arrivals, 1 for the rest: arrivals of an instant run first. */
  rank: number
  order: number
  fn: (atS: number) => void
  cancelled: boolean
}

/** Binary min-heap on (atS, rank, insertion order): equal times run arrivals first, then first-in first-out. */
class EventQueue {
  private readonly heap: QueuedEvent[] = []
  private nextOrder = 0

  get size(): number {
    return this.heap.length
  }

  push(atS: number, fn: (atS: number) => void, gapS = 0, rank = 1): QueuedEvent {
    const event: QueuedEvent = { atS, gapS, rank, order: this.nextOrder++, fn, cancelled: false }
    const h = this.heap
    h.push(event)
    let i = h.length - 1
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (!before(h[i]!, h[parent]!)) break
      ;[h[i], h[parent]] = [h[parent]!, h[i]!]
      i = parent
    }
    return event
  }

  peek(): QueuedEvent | undefined {
    while (this.heap.length > 0 && this.heap[0]!.cancelled) this.pop()
    return this.heap[0]
  }

  pop(): QueuedEvent | undefined {
    const h = this.heap
    const top = h[0]
    const last = h.pop()
    if (h.length > 0 && last !== undefined) {
      h[0] = last
      let i = 0
      for (;;) {
        const l = 2 * i + 1
        const r = l + 1
        let m = i
        if (l < h.length && before(h[l]!, h[m]!)) m = l
        if (r < h.length && before(h[r]!, h[m]!)) m = r
        if (m === i) break
        ;[h[i], h[m]] = [h[m]!, h[i]!]
        i = m
      }
    }
    return top
  }

  clear(): void {
    this.heap.length = 0
  }
}

function before(a: QueuedEvent, b: QueuedEvent): boolean {
  return a.atS < b.atS || (a.atS === b.atS && (a.rank < b.rank || (a.rank === b.rank && a.order < b.order)))
}

/**
 * Tells a virtual clock how far it may run: events at or after `holdFromS()` wait (arrivals AT
 * that instant may still run), Infinity when nothing is awaited. A simulator session returns the
 * earliest simulated time at which a request it has not received yet could arrive (dispatcher.ts).
 */
export type HoldSource = () => number

/** Options of {@link VirtualClock}. */
export interface VirtualClockOptions {
  /**
   * Drain the queue by itself on setImmediate whenever an event is added (HTTP servers).
   * @default false (the caller calls `drain()`)
   */
  autoDrain?: boolean
}

/**
 * Discrete-event clock: simulated time jumps from event to event. Hold sources (`addHold`) stop
 * it at the instant where a request it has not received could arrive, so a simulated timeline
 * never depends on when, in real time, a client's request reached the socket: it resumes on `kick()`.
 */
export class VirtualClock implements SimClock {
  readonly kind = 'virtual' as const
  readonly speed = Number.POSITIVE_INFINITY
  private readonly queue = new EventQueue()
  private currentS = 0
  private scheduled = false
  private disposed = false
  private readonly autoDrain: boolean
  private readonly holds = new Set<HoldSource>()

  constructor(options: VirtualClockOptions = {}) {
    this.autoDrain = options.autoDrain ?? false
  }

  nowS(): number {
    return this.currentS
  }

  at(atS: number, fn: (atS: number) => void, options: AtOptions = {}): CancelFn {
    const event = this.queue.push(Math.max(atS, this.currentS), fn, 0, options.arrival === true ? 0 : 1)
    this.kick()
    return () => {
      event.cancelled = true
    }
  }

  /** Registers a hold (see HoldSource); returns its removal (which resumes the clock). */
  addHold(source: HoldSource): () => void {
    this.holds.add(source)
    return () => {
      this.holds.delete(source)
      this.kick()
    }
  }

  /** A hold moved (a request arrived): with `autoDrain`, resume running events. */
  kick(): void {
    if (this.autoDrain && !this.scheduled && !this.disposed) {
      this.scheduled = true
      setImmediate(() => this.drainSome())
    }
  }

  /** Whether a hold stops the clock now (an event is due that must wait). */
  get held(): boolean {
    const head = this.queue.peek()
    return head !== undefined && !this.runnable(head)
  }

  /** Runs every runnable queued event (and those they add) in time order; returns the final time. */
  drain(): number {
    for (let e = this.queue.peek(); e !== undefined && this.runnable(e); e = this.queue.peek()) this.runNext()
    return this.currentS
  }

  private runnable(event: QueuedEvent): boolean {
    if (this.holds.size === 0) return true
    let holdFromS = Number.POSITIVE_INFINITY
    for (const source of this.holds) holdFromS = Math.min(holdFromS, source())
    return event.atS < holdFromS || (event.atS === holdFromS && event.rank === 0)
  }

  dispose(): void {
    this.disposed = true
    this.queue.clear()
  }

  private runNext(): void {
    const event = this.queue.pop()
    if (event === undefined || event.cancelled) return
    this.currentS = event.atS
    event.fn(event.atS)
  }

  /** Bounded batches so a busy simulation never starves the sockets it serves. */
  private drainSome(): void {
    this.scheduled = false
    if (this.disposed) return
    let head = this.queue.peek()
    for (let n = 0; n < 256 && head !== undefined && this.runnable(head); n++, head = this.queue.peek()) this.runNext()
    if (head !== undefined && this.runnable(head)) {
      this.scheduled = true
      setImmediate(() => this.drainSome())
    }
  }
}

/** Options of {@link WallClock}. */
export interface WallClockOptions {
  /** Simulated seconds per real second. @default 1 */
  speed?: number
  /**
   * Real ms before an event at which the clock stops trusting setTimeout (libuv timers have
   * 1 ms granularity and fire late on a busy machine) and waits precisely instead: short sleeps
   * (Atomics.wait, at most `sliceMs` each so sockets are served in between) to just before the
   * due time, then a brief setImmediate poll. The clock widens this lead to twice the setTimeout
   * overshoot it observes (EWMA), up to 4 ms. 0 = setTimeout only (cheaper, ~1 ms steps).
   * @default 1.5
   */
  spinMs?: number
  /**
   * Least lateness (real ms) at which the clock shifts the rest of the simulated timeline by the
   * lateness instead of catching up (see "Lateness policy" on WallClock).
   * @default 0.1
   */
  shiftAfterMs?: number
  /**
   * Share of an event's own step (its distance from the event that scheduled it) that it may run
   * late before the timeline shifts: a later step is then never compressed below
   * (1 − shiftAfterFraction) of its duration. @default 0.2
   */
  shiftAfterFraction?: number
  /**
   * After a shift, simulated time runs up to 1 + catchUpRate times faster until the shift is made
   * up (each step compressed to ≥ 1/(1 + rate) of its duration): isolated stalls then leave
   * mean E2EL, TPOT and throughput unbiased instead of drifting, at the price of compressed
   * gaps. 0 = made up only when nothing is scheduled (idle), never by compressing steps.
   * @default 0
   */
  catchUpRate?: number
  /** Longest single sleep of the precise wait, real ms (bounds how long sockets wait). @default 0.25 */
  sliceMs?: number
  /** Real-time source, ms (tests). @default performance.now */
  now?: () => number
  /** Blocks the thread for `ms` real ms (tests). @default Atomics.wait on a private buffer */
  sleep?: (ms: number) => void
}

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
export interface LatenessWindow {
  events: number
  meanMs: number
  /** Exact when the window raised the clock's maximum, else the upper edge of the highest non-empty bucket. */
  maxMs: number
  overOneMs: number
  lateCounts: number[]
  driftMs: number
  shifts: number
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

function checkSpeed(speed: number): void {
  if (!(speed > 0) || !Number.isFinite(speed)) throw new RangeError(`WallClock speed must be a finite number > 0, got ${speed}`)
}

function atomicsSleep(): (ms: number) => void {
  const cell = new Int32Array(new SharedArrayBuffer(4))
  return (ms) => {
    Atomics.wait(cell, 0, 0, ms)
  }
}

/**
 * Real-time clock running `speed` times faster than the wall clock.
 *
 * Waiting: setTimeout until `spinMs` before the next event, then precise sleeps (see
 * WallClockOptions.spinMs). The clock never busy-spins for long: a spinning process is always
 * runnable, and on a shared machine the OS scheduler then makes it wait for a CPU for whole
 * milliseconds (test/sim/pacing-probe.ts measured up to half the wall time in the run queue at
 * speed 10), which is exactly the lateness it tried to avoid.
 *
 * Lateness policy. An event late by L real ms (the process did not get the CPU in time), whose
 * step (distance from the event that scheduled it) lasts D real ms, with τ = max(shiftAfterMs,
 * shiftAfterFraction × D) (0.1 ms, 20 %):
 * - L ≤ τ: it runs at once and later events keep their schedule (jitter must not accumulate
 *   into a systematic slow-down; the next step is compressed by at most τ);
 * - L > τ: the whole simulated timeline shifts by L (simulated time stood still during the
 *   stall, as if every GPU had paused), so the events of one simulated instant still run
 *   together and the next step still takes its full duration: no burst of steps emitted back to
 *   back to catch up (the old behaviour: ITL p50 ≈ 0 at speed 10). The client sees one long gap
 *   across the stall, as a real hiccup would show.
 * - The shift is made up once nothing is scheduled (all engines idle): simulated time then jumps
 *   ahead, which nobody observes, so a stall does not carry into the next workload. While busy,
 *   stalls accumulate: durations spanning them (TTFT, TPOT, E2EL) run long and rates come out
 *   short by the stall time, reported as `driftMs` (window: `latenessBetween(..).driftShare`).
 *   Under CPU saturation (too many chunks per second) that share grows and is the run's pacing
 *   error. `catchUpRate` > 0 instead makes shifts up while busy by compressing later steps.
 * nowS() never goes backwards across a shift (arrivals keep their order).
 */
export class WallClock implements SimClock {
  readonly kind = 'wall' as const
  private readonly realNow: () => number
  private readonly sleep: (ms: number) => void
  private readonly timeline: Timeline
  private readonly spinMs: number
  private readonly sliceMs: number
  /** EWMA of how late setTimeout fired, real ms. */
  private timerOvershootMs = 0
  /** EWMA of how much longer than asked a sleep lasted, real ms. */
  private sleepOvershootMs = 0.05
  private readonly queue = new EventQueue()
  private timer: NodeJS.Timeout | undefined
  private timerDueMs = 0
  private polling = false
  private disposed = false
  /** atS of the event being run, if any. */
  private runningAtS: number | undefined

  constructor(options: WallClockOptions = {}) {
    const speed = options.speed ?? 1
    this.spinMs = options.spinMs ?? 1.5
    this.sliceMs = options.sliceMs ?? 0.25
    this.realNow = options.now ?? (() => performance.now())
    this.sleep = options.sleep ?? atomicsSleep()
    checkSpeed(speed)
    this.timeline = new Timeline(speed, this.realNow(), options.shiftAfterMs ?? 0.1, options.shiftAfterFraction ?? 0.2, options.catchUpRate ?? 0)
  }

  get speed(): number {
    return this.timeline.speed
  }

  /**
   * Changes the speed from now on (simulated time continues; pending events keep their
   * simulated times and are re-paced). Meant for idle moments between workloads: a request in
   * flight across the change has parts measured at two speeds.
   */
  setSpeed(speed: number): void {
    checkSpeed(speed)
    this.timeline.setSpeed(speed, this.realNow())
    if (this.timer !== undefined) clearTimeout(this.timer)
    this.timer = undefined
    this.arm()
  }

  nowS(): number {
    return this.timeline.nowS(this.realNow())
  }

  /** Real time (the clock's `now` ms) at which simulated time `atS` happens (after shifts so far). */
  wallMsAt(atS: number): number {
    return this.timeline.wallMsAt(atS)
  }

  at(atS: number, fn: (atS: number) => void, options: AtOptions = {}): CancelFn {
    // An engine schedules its next step from inside the previous step's event: the distance is
    // the step's duration (from "now" for events scheduled by I/O, e.g. a request's first step).
    const gapS = Math.max(0, atS - (this.runningAtS ?? this.nowS()))
    const event = this.queue.push(atS, fn, gapS, options.arrival === true ? 0 : 1)
    // A new head earlier than the armed timer needs an earlier wake-up.
    if (this.queue.peek() === event && this.timer !== undefined && this.wallMsAt(atS) - this.leadMs() < this.timerDueMs) {
      clearTimeout(this.timer)
      this.timer = undefined
    }
    this.arm()
    return () => {
      event.cancelled = true
    }
  }

  /** Cumulative lateness so far (diff two snapshots with {@link latenessBetween}). */
  lateness(): ClockLateness {
    return this.timeline.lateness(this.realNow())
  }

  dispose(): void {
    this.disposed = true
    this.queue.clear()
    if (this.timer !== undefined) clearTimeout(this.timer)
    this.timer = undefined
  }

  private leadMs(): number {
    return this.spinMs === 0 ? 0 : Math.min(4, Math.max(this.spinMs, 2 * this.timerOvershootMs))
  }

  private arm(): void {
    if (this.disposed || this.polling || this.timer !== undefined) return
    const head = this.queue.peek()
    if (head === undefined) {
      this.timeline.idle(this.realNow())
      return
    }
    const nowMs = this.realNow()
    const waitMs = this.wallMsAt(head.atS) - nowMs
    const leadMs = this.leadMs()
    if (waitMs > leadMs) {
      const delayMs = Math.max(1, Math.floor(waitMs - leadMs))
      const dueMs = nowMs + delayMs
      this.timerDueMs = dueMs
      this.timer = setTimeout(() => {
        this.timer = undefined
        this.timerOvershootMs = 0.8 * this.timerOvershootMs + 0.2 * Math.max(0, this.realNow() - dueMs)
        if (this.spinMs === 0) this.poll()
        else this.arm()
      }, delayMs)
    } else {
      this.polling = true
      setImmediate(() => this.poll())
    }
  }

  private poll(): void {
    this.polling = false
    if (this.disposed) return
    let nowMs = this.realNow()
    let head = this.queue.peek()
    if (head === undefined) {
      this.arm()
      return
    }
    let waitMs = this.wallMsAt(head.atS) - nowMs
    if (waitMs > 0 && this.spinMs > 0) {
      // Sleep (not spin) to just before the due time, one slice at a time so the event loop
      // serves sockets in between; the last few tens of µs pass polling.
      const sleepMs = Math.min(waitMs - this.sleepOvershootMs, this.sliceMs)
      if (sleepMs >= 0.02) {
        this.sleep(sleepMs)
        const afterMs = this.realNow()
        this.sleepOvershootMs = Math.min(0.5, 0.8 * this.sleepOvershootMs + 0.2 * Math.max(0, afterMs - nowMs - sleepMs))
        nowMs = afterMs
        waitMs = this.wallMsAt(head.atS) - nowMs
      }
    }
    if (waitMs > 0) {
      this.arm()
      return
    }
    let ran = 0
    for (; head !== undefined && this.timeline.isDue(head.atS, nowMs) && ran < 256; head = this.queue.peek()) {
      this.queue.pop()
      this.timeline.ran(head.atS, nowMs, head.gapS)
      this.runningAtS = head.atS
      try {
        head.fn(head.atS)
      } finally {
        this.runningAtS = undefined
      }
      ran++
    }
    this.arm()
  }
}
