/**
 * Loaded into every load worker thread by the overhead benchmark (MLNODE_BENCH_LOAD_WORKER_IMPORT):
 * the ground truth of a request's send time is when undici finished writing it to its socket
 * (diagnostics channel `undici:request:bodySent`, published right after the write), which only the
 * thread that owns the socket can see. It stamps it on CLOCK_MONOTONIC and broadcasts it to
 * overhead.ts, which puts it on its own clock (src/load/thread-clock.ts).
 */
import { subscribe } from 'node:diagnostics_channel'
import { BroadcastChannel } from 'node:worker_threads'

/** The channel overhead.ts listens on: `{ index, atMonotonicMs }` per request written. */
export const WRITES_CHANNEL = 'mlnode-bench-overhead-writes'

const channel = new BroadcastChannel(WRITES_CHANNEL)
channel.unref()
const CONTENT = Buffer.from('"content":"')

subscribe('undici:request:bodySent', (message: unknown) => {
  const atMonotonicMs = Number(process.hrtime.bigint()) / 1e6
  const body = (message as { request: { body?: unknown } }).request.body
  if (!Buffer.isBuffer(body)) return
  const at = body.indexOf(CONTENT)
  // The benchmark's prompts start with the request's index (overhead.ts writtenByIndex).
  if (at !== -1) channel.postMessage({ index: Number.parseInt(body.toString('utf8', at + CONTENT.length, at + CONTENT.length + 12), 10), atMonotonicMs })
})
