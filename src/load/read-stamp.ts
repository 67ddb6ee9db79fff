/**
 * When did a network read arrive? The client can only stamp it when its event loop runs the read's
 * callback. With many streams in lockstep (domain.md §7: every stream emits token k in the same
 * engine step), one `epoll_wait` wakes the loop with hundreds of readable sockets, and libuv runs
 * their callbacks one after the other: a per-read stamp then adds the processing time of every
 * socket ahead in the batch (measured: up to several ms at 512 streams), although all those bytes
 * were already there when the loop woke.
 *
 * `pollPhaseStamper` stamps the FIRST read of a poll phase and gives every later read of the same
 * phase that stamp: the moment the loop started handling the batch, an upper bound on when each of
 * those sockets became readable. The phase ends at the next check phase (`setImmediate`) or, for a
 * read that ran outside the poll phase, when the loop next blocked (its idle time grew), so a stamp
 * never outlives the batch it was taken for. The residual error is the delay before the loop woke
 * (a busy loop, a GC pause, the OS not scheduling the process), which is what stamping can see.
 * If a read in a late batch carries bytes that arrived after the wake-up (the client fell a whole
 * engine step behind), they get the earlier stamp: the overhead benchmark shows it as ITL error.
 */

/** A stamping function: call it once per network read, at the read. */
export type ReadStamp = () => number

/** How reads are stamped. 'poll': one stamp per event-loop poll phase; 'read': one per read. */
export type ReadStampMode = 'poll' | 'read'

/**
 * Total time the event loop has spent blocked waiting for I/O, ms (libuv's idle-time metric, the
 * `idle` of performance.eventLoopUtilization(), read without allocating: 0.08 µs instead of 0.3).
 */
const nodeTiming = performance.nodeTiming
const loopIdleMs = (): number => nodeTiming.idleTime

/**
 * A stamper for reads; share ONE across every stream of a run (the batch is the whole process's).
 * @param now monotonic clock in ms (performance.now)
 * @param mode @default 'poll'
 * @param idleMs the loop's cumulative idle time, ms (a clock; tests pass a fake). @default libuv's
 */
export function createReadStamp(now: () => number, mode: ReadStampMode = 'poll', idleMs: () => number = loopIdleMs): ReadStamp {
  if (mode === 'read') return now
  let stampMs = 0
  let valid = false
  let stampIdleMs = 0
  const end = (): void => {
    valid = false
  }
  return (): number => {
    const idle = idleMs()
    if (valid && idle === stampIdleMs) return stampMs
    stampMs = now()
    stampIdleMs = idle
    if (!valid) setImmediate(end)
    valid = true
    return stampMs
  }
}
