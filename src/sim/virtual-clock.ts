import type { AtOptions, CancelFn, SimClock } from './clock.js'
import { EventQueue, type QueuedEvent } from './event-queue.js'

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
