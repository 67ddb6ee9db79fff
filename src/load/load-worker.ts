/**
 * A load worker thread (started by load-workers.ts): sends the requests the main thread hands it
 * over its own undici pool and stamps their reads here, where the bytes arrive, on its own small
 * event loop and heap; each settled record goes back to the main thread, which only gathers.
 * At start it warms what a fresh thread needs (the chunk-handling code, JIT), and at each run's
 * start its pool's connections. Between runs it waits, warm, for the next one.
 */
import { setMaxListeners } from 'node:events'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { parentPort, workerData } from 'node:worker_threads'
import { Pool } from 'undici'
import { endpointPath } from './endpoint.js'
import { createReadStamp, type ReadStamp } from './read-stamp.js'
import { streamRequest } from './stream-request.js'
import { mainThreadClock } from './thread-clock.js'
import { warmPool } from './warm-pool.js'
import { warmUpStreamPath } from './warm-up-stream.js'
import type { FromWorker, LoadWorkerInit, ToWorker, WorkerLoopDelay, WorkerRun, WorkerSend } from './worker-protocol.js'

const port = parentPort
if (port === null) throw new Error('load-worker.ts runs as a worker thread (started by load-workers.ts)')
const init = workerData as LoadWorkerInit
// Instrumentation first (e.g. diagnostics_channel subscribers of test/perf/overhead.ts).
if (init.preload !== undefined) await import(init.preload)
const post = (message: FromWorker): void => port.postMessage(message)
const now = mainThreadClock(init.mainNowMinusMonotonicMs)
const loopDelay = monitorEventLoopDelay({ resolution: 1 })

/** The current run's state. */
interface Current {
  run: WorkerRun
  pool: Pool
  streamStamp: () => ReadStamp
  abort: AbortController
}
let current: Current | undefined

/**
 * Requests waiting to be handed to undici. A wave of hundreds is dispatched SLICE at a time with
 * a turn of the event loop in between: undici writes each request in the check phase after its
 * dispatch (it first lets an idle keep-alive socket show pending bytes), so each turn writes one
 * slice and then polls, and the first answers to arrive are read and stamped within a slice's
 * time instead of after the whole wave (the start-up burst of test/perf/overhead.ts).
 */
const SLICE = 32
let queue: WorkerSend[] = []
let queueHead = 0
let sliceScheduled = false

function dispatchSlice(): void {
  sliceScheduled = false
  const c = current
  const end = Math.min(queue.length, queueHead + SLICE)
  for (; queueHead < end; queueHead++) {
    const send = queue[queueHead]!
    if (c === undefined) continue // no run: nothing to send on (the main thread never does this)
    void streamRequest(c.pool, c.run.target, send.body, { ...send.options, signal: c.abort.signal, now, readStamp: c.streamStamp() }).then((record) => post({ type: 'done', id: send.id, record }))
  }
  if (queueHead < queue.length) {
    sliceScheduled = true
    setImmediate(dispatchSlice)
  } else {
    queue = []
    queueHead = 0
  }
}

port.on('message', (message: ToWorker) => {
  switch (message.type) {
    case 'run':
      void start(message)
      break
    case 'send':
      for (const send of message.sends) queue.push(send)
      if (!sliceScheduled) dispatchSlice()
      break
    case 'measure':
      loopDelay.reset()
      loopDelay.enable()
      break
    case 'abort':
      current?.abort.abort()
      break
    case 'end':
      void end()
      break
    case 'memory': {
      ;(globalThis as { gc?: () => void }).gc?.()
      const usage = process.memoryUsage()
      post({ type: 'memory', bytes: usage.heapUsed + usage.external })
      break
    }
  }
})

await warmUpStreamPath()
post({ type: 'booted' })

async function start(run: WorkerRun): Promise<void> {
  const abort = new AbortController()
  setMaxListeners(0, abort.signal)
  const pool = new Pool(endpointPath(run.target.baseUrl, 'chat').origin, { connections: run.connections, pipelining: 1 })
  current = { run, pool, streamStamp: createReadStamp(now, run.readStamp), abort }
  const connectStartMs = performance.now()
  if (run.warmConnections) await warmPool(pool, run.target, run.connections)
  post({ type: 'ready', connectMs: performance.now() - connectStartMs })
}

async function end(): Promise<void> {
  loopDelay.disable()
  // The histogram counts the 1 ms sampling interval itself: subtract it (ns → ms).
  const beyondMs = (ns: number): number => (Number.isFinite(ns) ? Math.max(0, ns / 1e6 - 1) : 0)
  const delay: WorkerLoopDelay =
    loopDelay.count > 0 ? { p99Ms: beyondMs(loopDelay.percentile(99)), maxMs: beyondMs(loopDelay.max), stalledMs: loopDelay.count * beyondMs(loopDelay.mean) } : { p99Ms: 0, maxMs: 0, stalledMs: 0 }
  loopDelay.reset()
  const c = current
  current = undefined
  c?.abort.abort()
  await c?.pool.destroy().catch(() => undefined)
  post({ type: 'ended', loopDelay: delay })
}
