/**
 * One clock for every thread. performance.now() counts from each thread's own start, so a worker's
 * reading is off the main thread's by a constant. Both are CLOCK_MONOTONIC underneath, like
 * process.hrtime: each thread measures (performance.now() − hrtime) and a worker adds the main
 * thread's value minus its own, giving stamps on the main thread's performance.now() scale.
 */

/** Machine-wide CLOCK_MONOTONIC, ms. */
const hrMs = (): number => Number(process.hrtime.bigint()) / 1e6

/** performance.now() − CLOCK_MONOTONIC in this thread, ms (median of 201 paired readings). */
export function nowMinusMonotonicMs(): number {
  const samples: number[] = []
  for (let i = 0; i < 201; i++) samples.push(performance.now() - hrMs())
  return samples.sort((a, b) => a - b)[100]!
}

/** A clock on the main thread's scale, given the main thread's nowMinusMonotonicMs(). Allocation-free per call. */
export function mainThreadClock(mainNowMinusMonotonicMs: number): () => number {
  const offsetMs = mainNowMinusMonotonicMs - nowMinusMonotonicMs()
  return () => performance.now() + offsetMs
}
