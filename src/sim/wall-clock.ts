import type { AtOptions, CancelFn, SimClock } from './clock.js'
import type { ClockLateness } from './clock-lateness.js'
import { EventQueue } from './event-queue.js'
import { Timeline } from './wall-timeline.js'

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
