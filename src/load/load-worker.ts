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
import type { FromWorker, LoadWorkerInit, ToWorker, WorkerLoopDelay, WorkerRun } from './worker-protocol.js'
import { unsentRecord } from './unsent-record.js'
import { createWaveSlicer } from './wave-slicer.js'

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

/** A wave of hundreds of sends goes out a slice per loop turn (wave-slicer.ts). */
const startSliced = createWaveSlicer()

port.on('message', (message: ToWorker) => {
  switch (message.type) {
    case 'run':
      void start(message)
      break
    case 'send':
      for (const send of message.sends) {
        void startSliced(() => {
          const c = current
          // No run: the main thread never sends then; answer so that nothing waits forever.
          if (c === undefined) return Promise.resolve(unsentRecord({ index: send.options.index ?? 0, warmup: send.options.warmup ?? false, scheduledAtMs: send.options.scheduledAtMs ?? now() }, now(), { reason: 'connection', message: 'load worker thread has no run' }))
          return streamRequest(c.pool, c.run.target, send.body, { ...send.options, signal: c.abort.signal, now, readStamp: c.streamStamp() })
        }).then((record) => post({ type: 'done', id: send.id, record }))
      }
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
  if (run.warmConnections) await warmPool(pool, run.target, run.connections, abort.signal)
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
