/** The event queue both clocks share: a binary min-heap of events keyed by simulated time. */

export interface QueuedEvent {
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
export class EventQueue {
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

export function before(a: QueuedEvent, b: QueuedEvent): boolean {
  return a.atS < b.atS || (a.atS === b.atS && (a.rank < b.rank || (a.rank === b.rank && a.order < b.order)))
}
