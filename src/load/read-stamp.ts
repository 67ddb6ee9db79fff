/**
 * When did a network read arrive? The client can only stamp it when its event loop runs the read's
 * callback. With many streams in lockstep (docs/metrics.md "Client timing": every stream emits token k in the same
 * engine step), one `epoll_wait` wakes the loop with hundreds of readable sockets, and libuv runs
 * their callbacks one after the other: a per-read stamp then adds the processing time of every
 * socket ahead in the batch (up to several ms at 512 streams, test/perf/overhead.ts), although
 * the bytes that made those sockets readable were already there when the loop woke.
 *
 * 'poll' mode stamps the first delivery of a poll phase and gives that stamp to the FIRST delivery
 * of every other stream in the same phase: an upper bound on when the bytes that made each socket
 * readable arrived. Three rules keep it an upper bound (each was needed: the overhead benchmark
 * counts client stamps earlier than the server's write and found them without it):
 *  - the batch is one event-loop iteration's poll phase: keyed by libuv's loop count (which
 *    increments right before each poll, so a stamp taken in a check phase, e.g. by undici's
 *    socket-validation immediate, never serves the next poll) and ended by a setImmediate;
 *  - only the bytes that made a socket readable are known to predate the wake-up, i.e. the first
 *    delivery of a read: a stream's later deliveries in the same batch get a fresh reading (a
 *    client behind by a step reads two chunks at once), and the response head counts as a
 *    delivery (call the stamper at the head too; the first chunk may have come after it);
 *  - at most MAX_BATCH_USES streams share one stamp: libuv takes at most 1024 events per wait and
 *    polls again within the same phase when that many are ready.
 * The residual error is the delay before the loop woke (a busy loop, a GC pause, the OS not
 * scheduling the process): what any stamp taken in the process can see.
 */

/** One stream's stamping function: call it at each delivery of the stream's body bytes. */
export type ReadStamp = () => number

export type { ReadStampMode } from '../contracts/workload.js'
import type { ReadStampMode } from '../contracts/workload.js'

const nodeTiming = performance.nodeTiming
/** libuv's event-loop iteration count (performance.nodeTiming.uvMetricsInfo, Node ≥ 20.18 / 22.8). */
const loopCount = (): number => nodeTiming.uvMetricsInfo.loopCount
/** Without the loop count the batch cannot be bounded soundly: 'poll' then stamps per read. */
const hasLoopCount = (nodeTiming as { uvMetricsInfo?: unknown }).uvMetricsInfo !== undefined

/** libuv handles at most 1024 epoll events per wait; beyond that, sockets may come from a later wait. */
const MAX_BATCH_USES = 768

/**
 * A factory of per-stream stampers sharing one batch: create one per run, call it once per stream.
 * @param now monotonic clock in ms (performance.now)
 * @param mode @default 'poll'
 * @param loop the event loop's iteration count (tests pass a fake). @default libuv's
 */
export function createReadStamp(now: () => number, mode: ReadStampMode = 'poll', loop: () => number = loopCount): () => ReadStamp {
  if (mode === 'read' || (loop === loopCount && !hasLoopCount)) return () => now
  let stampMs = 0
  /** Increments with every new batch stamp; each stream remembers the batch it last used. */
  let batch = 0
  let batchLoop = -1
  let open = false
  let uses = 0
  const end = (): void => {
    open = false
  }
  return () => {
    let streamBatch = -1
    return (): number => {
      const iteration = loop()
      if (!open || iteration !== batchLoop || uses >= MAX_BATCH_USES) {
        if (!open) setImmediate(end)
        open = true
        stampMs = now()
        batchLoop = iteration
        batch++
        uses = 0
      } else if (streamBatch === batch) {
        // This stream's second delivery in the batch: only a reading taken now is an upper bound.
        return now()
      }
      streamBatch = batch
      uses++
      return stampMs
    }
  }
}
