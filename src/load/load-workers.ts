/**
 * The main thread's side of the load worker threads (load-worker.ts): hands each request to the
 * worker with the fewest in flight (so each worker's pool holds its share of the streams) and
 * gathers the records they send back. Threads outlive a run: the next run takes them warm (code
 * compiled, no start-up), and idle ones never keep the process alive. The entry is the compiled
 * load-worker.js next to this file in the npm package, or load-worker.ts through tsx from source.
 */
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { Worker } from 'node:worker_threads'
import { MlnodeBenchError, redact } from '../errors.js'
import type { RequestRecord } from '../contracts/records.js'
import type { ReadStampMode } from './read-stamp.js'
import { nowMinusMonotonicMs } from './thread-clock.js'
import type { LoadTarget } from '../contracts/workload.js'
import type { FromWorker, LoadWorkerInit, ToWorker, WorkerLoopDelay, WorkerRequestOptions, WorkerSend } from './worker-protocol.js'
import { unsentRecord } from './unsent-record.js'

export interface LoadWorkersOptions {
  count: number
  target: LoadTarget
  /** The workload's connections, shared out between the workers. */
  connections: number
  readStamp: ReadStampMode
  warmConnections: boolean
  /** The workload's bound: aborting it cuts the workers' connection warm-up short. */
  signal?: AbortSignal
}

export interface LoadWorkers {
  readonly count: number
  /** Longest time a worker took to open and warm its connections, ms. */
  readonly connectMs: number
  send(body: string, options: WorkerRequestOptions): Promise<RequestRecord>
  /** The clock starts: workers measure their event-loop delay from here. */
  measure(): void
  /** Every request in flight or sent later settles as `aborted`. */
  abort(): void
  /** Ends the run (threads go back to the idle set); resolves with the worst event-loop delay any saw since measure(). */
  close(): Promise<WorkerLoopDelay>
}

/** How long a worker may take to start, warm up and connect before the run fails. */
const START_TIMEOUT_MS = 120_000
/** How long a worker may take to end a run before it is terminated. */
const END_TIMEOUT_MS = 5_000

/** A worker thread and the run it serves (its message handler). */
interface Thread {
  worker: Worker
  booted: Promise<void>
  onMessage?: (message: FromWorker) => void
  onDeath?: (why: string) => void
  dead: boolean
}

const idle: Thread[] = []
const busy = new Set<Thread>()
let mainNowMinusMonotonicMs: number | undefined

/** The worker entry beside this module: compiled (.js) in the package, TypeScript from source. */
function workerEntry(): { file: URL; init: Partial<LoadWorkerInit> } {
  const here = import.meta.url
  const compiled = new URL('./load-worker.js', here)
  if (!here.endsWith('.ts') && existsSync(fileURLToPath(compiled))) return { file: compiled, init: {} }
  return { file: new URL('./load-worker-tsx.mjs', here), init: { entry: new URL('./load-worker.ts', here).href } }
}

function spawn(): Thread {
  const entry = workerEntry()
  mainNowMinusMonotonicMs ??= nowMinusMonotonicMs()
  const preload = process.env.MLNODE_BENCH_LOAD_WORKER_IMPORT
  const init: LoadWorkerInit = { mainNowMinusMonotonicMs, ...entry.init, ...(preload ? { preload: preload.startsWith('file:') ? preload : pathToFileURL(resolve(preload)).href } : {}) }
  const worker = newWorker(entry.file, { workerData: init, name: 'mlnode-bench load' })
  const thread: Thread = { worker, booted: Promise.resolve(), dead: false }
  thread.booted = new Promise<void>((resolve, reject) => {
    const where = fileURLToPath(entry.file).split(/[\\/]/).slice(-3).join('/')
    const failed = (why: string): void => reject(new MlnodeBenchError('MLNB_LOAD', `load worker thread (${where}) did not start: ${why}; run the streams on the main thread instead with MLNODE_BENCH_LOAD_WORKERS=0 (runWorkload option workers: 0)`))
    worker.on('message', (message: FromWorker) => {
      if (message.type === 'booted') resolve()
      else thread.onMessage?.(message)
    })
    const die = (why: string): void => {
      if (thread.dead) return
      thread.dead = true
      failed(why)
      thread.onDeath?.(why)
      const at = idle.indexOf(thread)
      if (at !== -1) idle.splice(at, 1)
    }
    worker.on('error', (error) => die(redact(error.message)))
    worker.on('exit', (code) => die(`exited (code ${code})`))
  })
  thread.booted.catch(() => undefined)
  return thread
}

/** Options of a `node -e` / `--input-type` start concern the main script only; a worker refuses them. */
const MAIN_SCRIPT_ONLY = new Set(['-e', '--eval', '-p', '--print', '--input-type'])

/** The parent's node options a worker thread accepts (by default it inherits them all). */
export function workerExecArgv(execArgv: readonly string[]): string[] {
  const out: string[] = []
  for (let i = 0; i < execArgv.length; i++) {
    const arg = execArgv[i]!
    const name = arg.split('=')[0]!
    if (!MAIN_SCRIPT_ONLY.has(name)) out.push(arg)
    else if (!arg.includes('=')) i++ // its value is the next argument
  }
  return out
}

/**
 * A worker inherits the parent's node options unless told otherwise, but refuses some of them:
 * the main script's (node -e) always, and V8 or process-wide options (--expose-gc…) when they are
 * passed explicitly. So: inherit when nothing needs dropping, else pass the rest, minus any
 * option Node names as invalid for a worker.
 */
function newWorker(file: URL, options: ConstructorParameters<typeof Worker>[1] & object): Worker {
  const kept = workerExecArgv(process.execArgv)
  if (kept.length === process.execArgv.length) return new Worker(file, options)
  try {
    return new Worker(file, { ...options, execArgv: kept })
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'ERR_WORKER_INVALID_EXEC_ARGV') throw error
    const invalid = new Set(String((error as Error).message).split(': ').slice(1).join(': ').split(/,\s*/))
    return new Worker(file, { ...options, execArgv: kept.filter((arg) => !invalid.has(arg) && !invalid.has(arg.split('=')[0]!)) })
  }
}

/** Waits for `promise`, failing with `message` after `ms`. */
function within<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new MlnodeBenchError('MLNB_LOAD', message)), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

export async function startLoadWorkers(o: LoadWorkersOptions): Promise<LoadWorkers> {
  const threads: Thread[] = []
  while (threads.length < o.count) {
    const reused = idle.pop()
    const thread = reused ?? spawn()
    thread.worker.ref()
    busy.add(thread)
    threads.push(thread)
  }
  const pending = new Map<number, { resolve: (record: RequestRecord) => void; thread: number; options: WorkerRequestOptions }>()
  const inFlight = new Array<number>(o.count).fill(0)
  const readiness: Array<(connectMs: number) => void> = []
  const endings: Array<(delay: WorkerLoopDelay) => void> = []
  let nextId = 0

  threads.forEach((thread, t) => {
    thread.onMessage = (message) => {
      if (message.type === 'done') {
        const request = pending.get(message.id)
        if (request === undefined) return
        pending.delete(message.id)
        inFlight[t]!--
        request.resolve(message.record)
      } else if (message.type === 'ready') readiness[t]?.(message.connectMs)
      else if (message.type === 'ended') endings[t]?.(message.loopDelay)
    }
    // A worker that dies settles its requests as failures instead of leaving the run hanging.
    thread.onDeath = (why) => {
      for (const [id, request] of pending) {
        if (request.thread !== t) continue
        pending.delete(id)
        inFlight[t]!--
        request.resolve(lostRecord(request.options, `load worker thread ${t + 1} of ${o.count}: ${why}`))
      }
      endings[t]?.({ p99Ms: 0, maxMs: 0, stalledMs: 0 })
    }
  })

  const release = async (): Promise<void> => {
    for (const thread of threads) {
      busy.delete(thread)
      thread.onMessage = undefined
      thread.onDeath = undefined
      if (thread.dead) continue
      thread.worker.unref()
      idle.push(thread)
    }
  }
  let connectMs = 0
  try {
    await within(Promise.all(threads.map((thread) => thread.booted)), START_TIMEOUT_MS, `load worker threads not started after ${START_TIMEOUT_MS / 1000} s`)
    const share = Math.ceil(o.connections / o.count)
    const ready = threads.map((thread, t) => {
      const connected = new Promise<number>((resolve) => (readiness[t] = resolve))
      thread.worker.postMessage({ type: 'run', target: o.target, connections: share, readStamp: o.readStamp, warmConnections: o.warmConnections } satisfies ToWorker)
      return connected
    })
    const onAbort = (): void => threads.forEach((thread) => thread.dead || thread.worker.postMessage({ type: 'abort' } satisfies ToWorker))
    if (o.signal?.aborted) onAbort()
    o.signal?.addEventListener('abort', onAbort, { once: true })
    void Promise.all(ready).finally(() => o.signal?.removeEventListener('abort', onAbort))
    connectMs = Math.max(...(await within(Promise.all(ready), START_TIMEOUT_MS, `load worker threads did not connect within ${START_TIMEOUT_MS / 1000} s`)))
  } catch (error) {
    await Promise.all(threads.map((thread) => thread.worker.terminate()))
    await release()
    throw error
  }

  const post = (message: ToWorker): void => {
    for (const thread of threads) if (!thread.dead) thread.worker.postMessage(message)
  }
  // Sends of one synchronous pass (a closed loop's first wave: hundreds) go out as ONE message per
  // worker, posted after the pass: one structured clone and one wake-up instead of one per request.
  const outbox: WorkerSend[][] = threads.map(() => [])
  let flushQueued = false
  const flush = (): void => {
    flushQueued = false
    outbox.forEach((sends, t) => {
      if (sends.length === 0) return
      outbox[t] = []
      const thread = threads[t]!
      // A thread that died meanwhile has settled these already (onDeath settles all its pending).
      if (!thread.dead) thread.worker.postMessage({ type: 'send', sends } satisfies ToWorker)
    })
  }
  return {
    count: o.count,
    connectMs,
    send(body, options) {
      // The live thread with the fewest in flight (a dead one has none, and must get none).
      let t = -1
      for (let i = 0; i < o.count; i++) if (!threads[i]!.dead && (t === -1 || inFlight[i]! < inFlight[t]!)) t = i
      if (t === -1) return Promise.resolve(lostRecord(options, `every load worker thread (${o.count}) is gone`))
      const id = nextId++
      inFlight[t]!++
      return new Promise((resolve) => {
        pending.set(id, { resolve, thread: t, options })
        outbox[t]!.push({ id, body, options })
        if (!flushQueued) {
          flushQueued = true
          queueMicrotask(flush)
        }
      })
    },
    measure: () => post({ type: 'measure' }),
    abort: () => post({ type: 'abort' }),
    async close() {
      const none: WorkerLoopDelay = { p99Ms: 0, maxMs: 0, stalledMs: 0 }
      const delays = await Promise.all(
        threads.map(async (thread, t) => {
          if (thread.dead) return none
          const ended = new Promise<WorkerLoopDelay>((resolve) => (endings[t] = resolve))
          thread.worker.postMessage({ type: 'end' } satisfies ToWorker)
          return within(ended, END_TIMEOUT_MS, 'load worker did not end its run').catch(async () => {
            await thread.worker.terminate()
            return none
          })
        }),
      )
      await release()
      return delays.reduce((worst, d) => ({ p99Ms: Math.max(worst.p99Ms, d.p99Ms), maxMs: Math.max(worst.maxMs, d.maxMs), stalledMs: Math.max(worst.stalledMs, d.stalledMs) }), none)
    },
  }
}

/**
 * Heap + external bytes of the worker threads (after a GC when --expose-gc): those serving runs
 * now, or all of them with the idle ones (the overhead benchmark's memory figure).
 */
export async function loadWorkerMemoryBytes(which: 'busy' | 'all' = 'busy'): Promise<number> {
  const sizes = await Promise.all(
    [...busy, ...(which === 'all' ? idle : [])].map(
      (thread) =>
        new Promise<number>((resolve) => {
          const previous = thread.onMessage
          thread.onMessage = (message) => {
            if (message.type !== 'memory') return previous?.(message)
            thread.onMessage = previous
            resolve(message.bytes)
          }
          thread.worker.postMessage({ type: 'memory' } satisfies ToWorker)
        }),
    ),
  )
  return sizes.reduce((a, b) => a + b, 0)
}

/** Stops the idle worker threads (they never keep the process alive; this frees their memory now). */
export async function stopIdleLoadWorkers(): Promise<void> {
  const stopping = idle.splice(0)
  await Promise.all(stopping.map((thread) => thread.worker.terminate()))
}

/** The record of a request whose worker thread died before it settled. */
function lostRecord(options: WorkerRequestOptions, message: string): RequestRecord {
  const atMs = performance.now()
  return unsentRecord({ index: options.index ?? 0, warmup: options.warmup ?? false, scheduledAtMs: options.scheduledAtMs ?? atMs }, atMs, { reason: 'connection', message })
}
