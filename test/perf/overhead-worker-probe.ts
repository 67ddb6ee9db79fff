/**
 * Loaded into every load worker thread by the overhead benchmark (MLNODE_BENCH_LOAD_WORKER_IMPORT):
 * the ground truth of a request's send time is when undici finished writing it to its socket
 * (diagnostics channel `undici:request:bodySent`, published right after the write), which only the
 * thread that owns the socket can see. It stamps it on CLOCK_MONOTONIC and broadcasts it to
 * overhead.ts, which puts it on its own clock (src/load/thread-clock.ts).
 * The stamps are kept here and posted in batches, SETTLE_MS after the first of a wave: a message
 * per request would add its own cost to the very burst being measured.
 */
import { subscribe } from 'node:diagnostics_channel'
import { BroadcastChannel } from 'node:worker_threads'

/** The channel overhead.ts listens on: `{ index, atMonotonicMs }[]` per batch of requests written. */
export const WRITES_CHANNEL = 'mlnode-bench-overhead-writes'

/** How long after a wave's first write its stamps are posted (every measured phase runs for seconds). */
const SETTLE_MS = 300

const channel = new BroadcastChannel(WRITES_CHANNEL)
channel.unref()
const CONTENT = Buffer.from('"content":"')
let pending: Array<{ index: number; atMonotonicMs: number }> = []

subscribe('undici:request:bodySent', (message: unknown) => {
  const atMonotonicMs = Number(process.hrtime.bigint()) / 1e6
  const body = (message as { request: { body?: unknown } }).request.body
  if (!Buffer.isBuffer(body)) return
  const at = body.indexOf(CONTENT)
  if (at === -1) return
  // The benchmark's prompts start with the request's index (overhead.ts writtenByIndex).
  if (pending.length === 0) setTimeout(flush, SETTLE_MS)
  pending.push({ index: Number.parseInt(body.toString('utf8', at + CONTENT.length, at + CONTENT.length + 12), 10), atMonotonicMs })
})

function flush(): void {
  channel.postMessage(pending)
  pending = []
}
