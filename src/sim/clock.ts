/**
 * Two clocks for one engine. Both keep a queue of events keyed by SIMULATED seconds; they differ
 * only in when an event runs:
 * - virtual: as soon as the CPU allows, in time order (predict, tests). `drain()` runs the queue
 *   synchronously; with `autoDrain` (HTTP servers) it drains in batches on setImmediate so sockets
 *   still get served between events.
 * - wall: at `origin + simulatedS / speed` real seconds. A result measured against a wall clock
 *   of speed K maps back to simulated seconds as `simulatedS = measuredS * K` (see README in index.ts).
 *
 * Callers always pass logical (simulated) event times computed from the previous event, never
 * "now", so a timer that fires late delays delivery but never shifts the simulated timeline.
 */

/** Cancels a scheduled event; a no-op once it ran. */
export type CancelFn = () => void

/** A clock of simulated seconds that runs scheduled events (virtual or wall-paced). */
export interface SimClock {
  readonly kind: 'virtual' | 'wall'
  /** Wall-clock speed-up factor (simulated seconds per real second); Infinity for virtual. */
  readonly speed: number
  /** Current simulated time, seconds since the clock started. */
  nowS(): number
  /** Runs `fn(atS)` at simulated time `atS` (immediately in order if already past). */
  at(atS: number, fn: (atS: number) => void): CancelFn
  /** Stops timers and drops pending events. */
  dispose(): void
}

interface QueuedEvent {
  atS: number
  order: number
  fn: (atS: number) => void
  cancelled: boolean
}

/** Binary min-heap on (atS, insertion order): equal times run first-in first-out. */
class EventQueue {
  private readonly heap: QueuedEvent[] = []
  private nextOrder = 0

  get size(): number {
    return this.heap.length
  }

  push(atS: number, fn: (atS: number) => void): QueuedEvent {
    const event: QueuedEvent = { atS, order: this.nextOrder++, fn, cancelled: false }
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
  return a.atS < b.atS || (a.atS === b.atS && a.order < b.order)
}

/** Options of {@link VirtualClock}. */
export interface VirtualClockOptions {
  /**
   * Drain the queue by itself on setImmediate whenever an event is added (HTTP servers).
   * @default false (the caller calls `drain()`)
   */
  autoDrain?: boolean
}

/** Discrete-event clock: simulated time jumps from event to event. */
export class VirtualClock implements SimClock {
  readonly kind = 'virtual' as const
  readonly speed = Number.POSITIVE_INFINITY
  private readonly queue = new EventQueue()
  private currentS = 0
  private scheduled = false
  private disposed = false
  private readonly autoDrain: boolean

  constructor(options: VirtualClockOptions = {}) {
    this.autoDrain = options.autoDrain ?? false
  }

  nowS(): number {
    return this.currentS
  }

  at(atS: number, fn: (atS: number) => void): CancelFn {
    const event = this.queue.push(Math.max(atS, this.currentS), fn)
    if (this.autoDrain && !this.scheduled && !this.disposed) {
      this.scheduled = true
      setImmediate(() => this.drainSome())
    }
    return () => {
      event.cancelled = true
    }
  }

  /** Runs every queued event (and those they add) in time order; returns the final time. */
  drain(): number {
    for (let e = this.queue.peek(); e !== undefined; e = this.queue.peek()) this.runNext()
    return this.currentS
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
    for (let n = 0; n < 256 && this.queue.peek() !== undefined; n++) this.runNext()
    if (this.queue.peek() !== undefined) {
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
   * Least real milliseconds before an event at which the clock stops trusting setTimeout (which
   * fires ~1 ms late, more on a busy machine) and polls with setImmediate instead. The clock
   * widens this margin to twice the setTimeout overshoot it observes (EWMA), up to 4 ms.
   * 0 disables polling (cheaper, less exact).
   * @default 1.5
   */
  spinMs?: number
}

/** How late a wall clock ran its events (real ms after their due time): is the simulator keeping up? */
export interface ClockLateness {
  events: number
  meanMs: number
  maxMs: number
  /** Events that ran more than 1 real ms late. */
  overOneMs: number
}

/** Real-time clock running `speed` times faster than the wall clock. */
export class WallClock implements SimClock {
  private lateSumMs = 0
  private lateMaxMs = 0
  private lateEvents = 0
  private lateOverOneMs = 0
  readonly kind = 'wall' as const
  readonly speed: number
  private readonly originMs = performance.now()
  private readonly spinMs: number
  /** EWMA of how late setTimeout fired, real ms. */
  private overshootMs = 0
  private readonly queue = new EventQueue()
  private timer: NodeJS.Timeout | undefined
  private polling = false
  private disposed = false

  constructor(options: WallClockOptions = {}) {
    this.speed = options.speed ?? 1
    this.spinMs = options.spinMs ?? 1.5
    if (!(this.speed > 0) || !Number.isFinite(this.speed)) throw new RangeError(`WallClock speed must be a finite number > 0, got ${this.speed}`)
  }

  nowS(): number {
    return ((performance.now() - this.originMs) / 1000) * this.speed
  }

  /** Real time (performance.now() ms) at which simulated time `atS` happens. */
  wallMsAt(atS: number): number {
    return this.originMs + (atS * 1000) / this.speed
  }

  at(atS: number, fn: (atS: number) => void): CancelFn {
    const event = this.queue.push(atS, fn)
    if (this.queue.peek() === event) this.arm()
    return () => {
      event.cancelled = true
    }
  }

  /** Lateness of the events run so far (in real ms; × speed for simulated ms). */
  lateness(): ClockLateness {
    return { events: this.lateEvents, meanMs: this.lateEvents === 0 ? 0 : this.lateSumMs / this.lateEvents, maxMs: this.lateMaxMs, overOneMs: this.lateOverOneMs }
  }

  dispose(): void {
    this.disposed = true
    this.queue.clear()
    if (this.timer !== undefined) clearTimeout(this.timer)
    this.timer = undefined
  }

  private arm(): void {
    if (this.disposed || this.polling) return
    if (this.timer !== undefined) clearTimeout(this.timer)
    this.timer = undefined
    const head = this.queue.peek()
    if (head === undefined) return
    const nowMs = performance.now()
    const waitMs = this.wallMsAt(head.atS) - nowMs
    const marginMs = this.spinMs === 0 ? 0 : Math.min(4, Math.max(this.spinMs, 2 * this.overshootMs))
    if (waitMs > marginMs) {
      const delayMs = Math.max(1, Math.floor(waitMs - marginMs))
      const dueMs = nowMs + delayMs
      this.timer = setTimeout(() => {
        this.timer = undefined
        this.overshootMs = 0.8 * this.overshootMs + 0.2 * Math.max(0, performance.now() - dueMs)
        this.arm()
      }, delayMs)
    } else {
      this.polling = true
      setImmediate(() => this.poll())
    }
  }

  private poll(): void {
    this.polling = false
    if (this.disposed) return
    const nowMs = performance.now()
    let ran = 0
    for (let head = this.queue.peek(); head !== undefined && this.wallMsAt(head.atS) <= nowMs && ran < 256; head = this.queue.peek()) {
      this.queue.pop()
      const lateMs = nowMs - this.wallMsAt(head.atS)
      this.lateEvents++
      this.lateSumMs += lateMs
      if (lateMs > this.lateMaxMs) this.lateMaxMs = lateMs
      if (lateMs > 1) this.lateOverOneMs++
      head.fn(head.atS)
      ran++
    }
    this.arm()
  }
}
