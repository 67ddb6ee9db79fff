/**
 * How the requests of one client session enter the simulation, in simulated time: request k is
 * admitted at max(origin + offset_k, the moment a slot is free), first-in first-out by index,
 * with at most `maxInFlight` admitted and unfinished. A closed loop of W workers is the case
 * "every offset 0, maxInFlight W"; an open loop (vLLM `bench serve`) has the arrival offsets and
 * its max concurrency. `predict` offers every request up front; the HTTP simulator offers each as
 * it reaches the socket, and `holdFromS()` tells the virtual clock not to run past the instant at
 * which a request it has not received yet could be admitted. Both give the same timeline.
 */
import type { SimClock } from './clock.js'

/** The shape of one session (client headers, or predict's input). */
export interface SessionSchedule {
  /** Requests in the session: indices 0..count−1. */
  count: number
  /** Admitted and unfinished at most; Infinity for no cap. */
  maxInFlight: number
  /** Simulated seconds of offset 0. */
  originS: number
  /** Requests admitted at or after originS + durationS are skipped (the workload's duration bound). @default Infinity */
  durationS?: number
}

/** One offered request: `start` sends it to the engine at its admission time; `skip` answers it unsent. */
export interface SessionRequest {
  /** Arrival offset from the session origin, seconds (nondecreasing with the index). */
  offsetS: number
  start(atS: number): void
  skip(atS: number): void
}

export class SessionDispatcher {
  private readonly offered = new Map<number, SessionRequest>()
  private next = 0
  private inFlight = 0
  /** Offset of the last admitted request: a later one arrives no earlier. */
  private lastOffsetS = 0
  /** Since when a slot has been free (valid while inFlight < maxInFlight). */
  private freeSinceS: number
  private abandoned = false

  constructor(
    private readonly clock: SimClock,
    readonly schedule: SessionSchedule,
  ) {
    this.freeSinceS = schedule.originS
  }

  /** All requests admitted (or skipped) and finished. */
  get done(): boolean {
    return this.abandoned || (this.next >= this.schedule.count && this.inFlight === 0)
  }

  /** The index awaited from the client, if the simulation needs it before going on. */
  get awaiting(): number | undefined {
    const s = this.schedule
    if (this.abandoned || this.next >= s.count || this.inFlight >= s.maxInFlight || this.offered.has(this.next)) return undefined
    return this.next
  }

  /**
   * The earliest simulated time at which the awaited request could be admitted (Infinity when
   * nothing is awaited): the clock must not run later events before it arrives.
   */
  holdFromS(): number {
    if (this.awaiting === undefined) return Number.POSITIVE_INFINITY
    return Math.max(this.freeSinceS, this.schedule.originS + this.lastOffsetS)
  }

  /** Request `index` is known (its body arrived); false when the index is out of range or repeated. */
  offer(index: number, request: SessionRequest): boolean {
    if (this.abandoned || !Number.isInteger(index) || index < this.next || index >= this.schedule.count || this.offered.has(index)) return false
    this.offered.set(index, request)
    this.pump()
    return true
  }

  /** An admitted request ended (finished, rejected or dropped) at `atS`: its slot frees. */
  finished(atS: number): void {
    this.inFlight--
    if (this.inFlight === this.schedule.maxInFlight - 1) this.freeSinceS = Math.max(this.freeSinceS, atS)
    this.pump()
  }

  /** The client is gone: stop waiting for it (remaining offers are refused). */
  abandon(): void {
    this.abandoned = true
    this.offered.clear()
  }

  private pump(): void {
    const s = this.schedule
    const endS = s.originS + (s.durationS ?? Number.POSITIVE_INFINITY)
    while (this.next < s.count && this.inFlight < s.maxInFlight) {
      const request = this.offered.get(this.next)
      if (request === undefined) return
      this.offered.delete(this.next)
      this.next++
      this.lastOffsetS = Math.max(this.lastOffsetS, request.offsetS)
      const atS = Math.max(s.originS + request.offsetS, this.freeSinceS, this.clock.nowS())
      if (atS >= endS) {
        this.clock.at(atS, () => request.skip(atS), { arrival: true })
        continue
      }
      this.inFlight++
      this.clock.at(atS, () => request.start(atS), { arrival: true })
    }
  }
}
