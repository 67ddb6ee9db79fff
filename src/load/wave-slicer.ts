/**
 * Starts requests at most `slice` per turn of the event loop; the rest wait for the next turns.
 * A closed loop's first wave hands hundreds of requests to one thread at once. Sent in one pass,
 * the first answers arrive while the thread is still writing the rest, and wait unread and
 * unstamped until it is done (the start-up burst of test/perf/overhead.ts). A turn between
 * slices lets the loop poll, so those reads are stamped within about one slice's time. undici
 * itself writes a request on a reused keep-alive connection in the check phase after its dispatch
 * (it first lets the socket show pending bytes, https://github.com/nodejs/undici/pull/5707), so a
 * slice dispatched in one turn is written in that turn's check phase.
 */

/**
 * Requests started per loop turn: 8 × 20-30 µs of dispatch and write keeps a turn near 0.2 ms.
 * Measured at 512 lockstep streams (`OVERHEAD_ONLY_512=1` of bench:overhead, same quiet machine):
 * TTFT error p99 9.9-29 ms (median of 6 runs ~17) with 8, 26-29 ms with 32, 31-35 ms with 128;
 * 2 and 16 were no better than 8. The wave takes longer to go out, the first answers wait less.
 */
export const WAVE_SLICE = 8

/** Returns `start`: runs the given function now when this turn's slice has room, else in a later turn; resolves with its result. */
export function createWaveSlicer(slice = WAVE_SLICE): <T>(begin: () => Promise<T>) => Promise<T> {
  const waiting: Array<() => void> = []
  let head = 0
  let startedThisTurn = 0
  let turnScheduled = false
  const nextTurn = (): void => {
    turnScheduled = false
    startedThisTurn = 0
    while (head < waiting.length && startedThisTurn < slice) {
      startedThisTurn++
      waiting[head++]!()
    }
    if (head === waiting.length) {
      waiting.length = 0
      head = 0
    }
    // Another turn: the next slice, or only to count this turn's starts off.
    if (startedThisTurn > 0) schedule()
  }
  const schedule = (): void => {
    if (turnScheduled) return
    turnScheduled = true
    setImmediate(nextTurn)
  }
  return <T>(begin: () => Promise<T>): Promise<T> => {
    if (head === waiting.length && startedThisTurn < slice) {
      startedThisTurn++
      schedule() // the count starts again at the next turn
      return begin()
    }
    schedule()
    return new Promise<T>((resolve) => waiting.push(() => resolve(begin())))
  }
}
