/**
 * The load loop. Closed loop (compressa-perf's model: `concurrency` workers share `requests`) or
 * open loop (vLLM `bench serve`: gamma arrivals, optional max concurrency). The pool's connections
 * are opened and warmed BEFORE the clock starts, so connection set-up never lands in TTFT
 * (docs/metrics.md "Client timing"); it is reported as `connectMs`. Warm-up requests run before the clock too, and
 * so does rendering the bodies of the first all-at-once wave. Body reads are stamped once per
 * event-loop poll phase by default (read-stamp.ts); test/perf/overhead.ts measures the result.
 */
import { setMaxListeners } from 'node:events'
import { availableParallelism } from 'node:os'
import { dirname } from 'node:path'
import { setImmediate as yieldToLoop, setTimeout as sleep } from 'node:timers/promises'
import { Pool } from 'undici'
import { MlnodeBenchError } from '../errors.js'
import type { RequestRecord } from '../contracts/records.js'
import { arrivalOffsetsMs } from './arrivals.js'
import { preparePrompts, type DatasetRequest } from './prompts.js'
import { withCompressaToken } from './compressa-config.js'
import { createReadStamp } from './read-stamp.js'
import { randomUUID } from 'node:crypto'
import type { SimSyncRequest } from '../protocol/sim-sync.js'
import { endpointPath, requestPayload } from './endpoint.js'
import { startLoadWorkers, type LoadWorkers } from './load-workers.js'
import { SIM_SKIPPED } from './simulated-stamps.js'
import { streamRequest } from './stream-request.js'
import type { LoadTarget, RunWorkloadOptions, WorkloadRun, WorkloadSpec } from '../contracts/workload.js'
import { validateWorkload } from './validate.js'
import { createWaveSlicer } from './wave-slicer.js'
import { warmPool } from './warm-pool.js'
import { chooseWorkerCount } from './worker-count.js'
import type { WorkerLoopDelay, WorkerRequestOptions } from './worker-protocol.js'
import { unsentRecord } from './unsent-record.js'

/** Open-loop pools without a max concurrency hold at most this many connections. */
const MAX_OPEN_LOOP_CONNECTIONS = 1024

/** How far short of the time left a timer aims (Node timers fire early on performance.now(), see waitUntil). */
const TIMER_SLACK_MS = 1

/** Bounds on the request bodies rendered before the clock starts (the first wave, see runWorkload). */
const MAX_PRERENDERED_REQUESTS = 1024
const MAX_PRERENDERED_CHARS = 64 * 1024 * 1024

/** Request body for one prompt (OpenAI chat or completions, streaming with usage). */
export function requestBody(target: LoadTarget, spec: WorkloadSpec, prompt: string, dataset?: DatasetRequest): Record<string, unknown> {
  const body: Record<string, unknown> = { model: target.model }
  if ((spec.endpoint ?? 'chat') === 'chat') body.messages = dataset?.messages ?? [{ role: 'user', content: prompt }]
  else body.prompt = prompt
  body.max_tokens = dataset?.maxTokens ?? spec.maxTokens
  if (spec.temperature !== undefined) body.temperature = spec.temperature
  if (spec.ignoreEos !== undefined) body.ignore_eos = spec.ignoreEos
  if (dataset?.exactLength === true) {
    // A trace's recorded output length (vLLM's ignore_eos and min_tokens sampling parameters).
    body.ignore_eos = true
    body.min_tokens = body.max_tokens
  }
  body.stream = true
  body.stream_options = { include_usage: true }
  return spec.extraBody === undefined ? body : { ...body, ...spec.extraBody }
}

/**
 * Worker threads for a run: the option when a number; 'auto' (the default) picks by cores and
 * expected chunk rate (worker-count.ts), except with an injected clock (it cannot cross threads)
 * or on simulated time (the simulator's stamps replace the client's, so threads gain nothing).
 */
export function workerThreadsFor(options: RunWorkloadOptions, connections: number): number {
  const asked = options.workers ?? 'auto'
  if (asked !== 'auto') {
    if (!Number.isInteger(asked) || asked < 0) throw new MlnodeBenchError('MLNB_CONFIG', `runWorkload option workers = ${String(asked)}: must be 'auto' or a whole number >= 0 (0: no worker threads)`)
    return asked
  }
  if (options.now !== undefined || options.simulatedTime === true) return 0
  return chooseWorkerCount({ streams: connections, cores: availableParallelism() })
}

/** Connections the pool opens for a workload: closed-loop workers, or the open loop's cap. */
export function poolConnections(spec: WorkloadSpec): number {
  if (isTraceReplay(spec)) return Math.min(spec.requests, MAX_OPEN_LOOP_CONNECTIONS)
  if (spec.arrival === undefined) return spec.concurrency ?? 1
  return spec.arrival.maxConcurrency ?? Math.min(spec.requests, MAX_OPEN_LOOP_CONNECTIONS)
}

/** A trace's timestamps are the arrivals (open loop without a cap). */
function isTraceReplay(spec: WorkloadSpec): boolean {
  return typeof spec.prompt === 'object' && spec.prompt !== null && 'mooncakeTrace' in spec.prompt
}

/**
 * Runs a workload against `target`; resolves when every issued request settled. Never rejects
 * for request failures (they are records); rejects only on an invalid spec or prompts file.
 */
export async function runWorkload(target: LoadTarget, spec: WorkloadSpec, options: RunWorkloadOptions = {}): Promise<WorkloadRun> {
  validateWorkload(spec)
  // compressa-perf configs may name an API token variable: read now, sent as a header, never kept.
  target = withCompressaToken(target, spec)
  const now = options.now ?? performance.now.bind(performance)
  // One batch for every stream: reads of one poll phase share its stamp (read-stamp.ts).
  const streamStamp = createReadStamp(now, options.readStamp ?? 'poll')
  const warmups = spec.warmupRequests ?? 0
  const total = warmups + spec.requests
  const prompts = await preparePrompts(spec.prompt, {
    total,
    seed: spec.seed ?? 0,
    name: spec.name,
    salt: options.promptSalt ?? '',
    baseDir: spec.source === undefined ? process.cwd() : dirname(spec.source),
  })
  // A simulated-time session admits requests in index order and holds the clock for the next one
  // whenever fewer than `concurrency` are in flight; with conversations, later turns wait for
  // earlier ones and a worker may run out of conversations while others still have turns left,
  // so neither holds (the simulation would wait forever).
  if (options.simulatedTime === true && prompts.turnOf !== undefined && (spec.concurrency ?? 1) > 1)
    throw new MlnodeBenchError('MLNB_CONFIG', `workload "${spec.name}": prompt.conversations with concurrency ${spec.concurrency} needs the wall clock (a simulated-time session sends requests in index order, one per free slot); use concurrency 1 or a wall-clock target`, { details: { workload: spec.name, field: 'concurrency' } })
  const connections = poolConnections(spec)
  const workerCount = workerThreadsFor(options, connections)
  // Streams run in worker threads (load-worker.ts), or on this thread's own pool with 0 workers.
  let workers: LoadWorkers | undefined
  const pool = workerCount > 0 ? undefined : new Pool(endpointPath(target.baseUrl, 'chat').origin, { connections, pipelining: 1 })
  // On this thread too, a wave goes out a slice per loop turn (wave-slicer.ts; workers do the same).
  const startSliced = createWaveSlicer()

  // One internal signal for every request, linked to the caller's.
  const abort = new AbortController()
  setMaxListeners(0, abort.signal)
  const onCallerAbort = (): void => abort.abort()
  if (options.signal?.aborted) abort.abort()
  options.signal?.addEventListener('abort', onCallerAbort, { once: true })
  abort.signal.addEventListener('abort', () => workers?.abort(), { once: true })

  const records: Array<RequestRecord | undefined> = new Array(total)
  // Open-loop arrival times, kept so requests cancelled while waiting for a slot keep theirs.
  const scheduledFor: Array<number | undefined> = new Array(total)
  // The first wave (closed-loop workers, or an all-at-once open loop) is sent in one synchronous
  // burst at the clock start; rendering its bodies (prompt generation + JSON) before the clock
  // shortens the burst, during which no response can be read or stamped (test/perf/overhead.ts).
  const prerendered = new Map<number, string>()
  const renderBody = (index: number): string => requestPayload(requestBody(target, spec, prompts.text(index), prompts.request?.(index)))
  const prerender = (from: number, count: number): void => {
    let chars = 0
    for (let index = from; index < from + Math.min(count, MAX_PRERENDERED_REQUESTS) && chars < MAX_PRERENDERED_CHARS; index++) {
      const body = renderBody(index)
      chars += body.length
      prerendered.set(index, body)
    }
  }
  const simulatedTime = options.simulatedTime === true
  const openLoopRun = spec.arrival !== undefined || isTraceReplay(spec)
  /** A simulated-time session per phase (warm-up, measured): its id and shape. */
  const phase = (from: number, count: number, maxInFlight: number): ((index: number, offsetS?: number) => SimSyncRequest) | undefined => {
    if (!simulatedTime) return undefined
    const session = randomUUID()
    return (index, offsetS = 0) => ({ session, index: index - from, count, maxInFlight, offsetS, ...(from >= warmups && spec.durationS !== undefined ? { durationS: spec.durationS } : {}) })
  }
  const send = async (index: number, scheduledAtMs: number, simSync?: SimSyncRequest): Promise<void> => {
    let body = prerendered.get(index)
    if (body === undefined) body = renderBody(index)
    else prerendered.delete(index)
    const request: WorkerRequestOptions = {
      endpoint: spec.endpoint ?? 'chat',
      index,
      warmup: index < warmups,
      scheduledAtMs,
      timeoutS: spec.requestTimeoutS,
      idleTimeoutS: spec.idleTimeoutS,
      estimatedPromptTokens: prompts.estimatedTokens(index),
      ...(simSync === undefined ? {} : { simSync }),
    }
    options.onRequestSent?.(index, index < warmups)
    const record = await (workers !== undefined ? workers.send(body, request) : startSliced(() => streamRequest(pool!, target, body, { ...request, signal: abort.signal, now, readStamp: streamStamp() })))
    records[index] = record
    options.onRequestDone?.(record)
  }

  let workerLoopDelay: WorkerLoopDelay | undefined
  try {
    let connectMs: number | undefined
    if (workerCount > 0) {
      // Each worker warms its code and opens its share of the connections before reporting ready.
      // Their start (and connection warm-up) ends with the workload's bound like everything else.
      const starting = startLoadWorkers({ count: workerCount, target, connections, readStamp: options.readStamp ?? 'poll', warmConnections: options.warmConnections ?? true, signal: abort.signal })
      workers = await untilAborted(starting, abort.signal)
      if (workers === undefined) void starting.then((late) => late.close(), () => undefined)
      else if (options.warmConnections ?? true) connectMs = workers.connectMs
      if (abort.signal.aborted) workers?.abort()
    } else if (options.warmConnections ?? true) {
      const connectStartMs = now()
      await warmPool(pool!, target, connections, abort.signal)
      connectMs = now() - connectStartMs
    }
    if (warmups > 0 && !abort.signal.aborted) await closedLoop(0, warmups, Math.min(connections, warmups), Infinity)

    if (!openLoopRun) prerender(warmups, Math.min(spec.concurrency ?? 1, spec.requests))
    else if (spec.arrival?.ratePerS === Infinity) prerender(warmups, Math.min(spec.arrival.maxConcurrency ?? spec.requests, spec.requests))
    workers?.measure()
    let startedAtMs = now()
    // In simulated time the simulator applies the duration bound (it skips later admissions).
    const deadlineMs = spec.durationS === undefined || simulatedTime ? Infinity : startedAtMs + spec.durationS * 1000
    if (!openLoopRun) await closedLoop(warmups, total, spec.concurrency ?? 1, deadlineMs)
    else await openLoop(startedAtMs, deadlineMs)
    let endedAtMs = now()
    if (simulatedTime) {
      // The measured phase's own clock: its session starts at 0; skipped requests were never sent.
      for (let i = warmups; i < total; i++) if (records[i]?.failure?.message === SIM_SKIPPED) records[i] = undefined
      startedAtMs = 0
      endedAtMs = records.reduce((latest, r) => (r === undefined || r.warmup ? latest : Math.max(latest, r.endAtMs)), 0)
    }

    // Requests never sent because the run was aborted are recorded as such.
    const abortedAtMs = now()
    for (let i = 0; i < total; i++) {
      if (records[i] === undefined && abort.signal.aborted) records[i] = notSent(i, i < warmups, scheduledFor[i] ?? abortedAtMs, abortedAtMs)
    }
    const run: WorkloadRun = {
      spec,
      records: records.filter((r): r is RequestRecord => r !== undefined),
      startedAtMs,
      endedAtMs,
      connections,
      workers: workerCount,
    }
    if (connectMs !== undefined) run.connectMs = connectMs
    if (workers !== undefined) {
      workerLoopDelay = await workers.close()
      workers = undefined
      run.workerLoopDelay = workerLoopDelay
    }
    return run
  } finally {
    options.signal?.removeEventListener('abort', onCallerAbort)
    await workers?.close()
    await pool?.destroy().catch(() => undefined)
  }

  // --- loops (closures over the run state above) ---

  async function closedLoop(from: number, to: number, workers: number, deadlineMs: number): Promise<void> {
    let next = from
    const simSync = phase(from, to - from, workers)
    // A conversation's turns go to one worker, one after another (a later turn is skipped here
    // and sent by the worker that sent the turn before it, when that one is done).
    const turnOf = prompts.turnOf
    const continues = (index: number): boolean => turnOf !== undefined && index > from && index < to && turnOf(index) > 0
    const worker = async (): Promise<void> => {
      for (;;) {
        if (abort.signal.aborted) return
        let index = next++
        while (index < to && continues(index)) index = next++
        if (index >= to) return
        for (;;) {
          const scheduledAtMs = now()
          if (scheduledAtMs >= deadlineMs || abort.signal.aborted) return
          await send(index, scheduledAtMs, simSync?.(index))
          if (!continues(index + 1)) break
          index++
        }
      }
    }
    await Promise.all(Array.from({ length: workers }, worker))
  }

  /**
   * Resolves at `atMs`, never before: Node timers count whole milliseconds of libuv's cached loop
   * time and fire early on performance.now(), by ~1.5 ms on an idle machine and more on a busy
   * one, so the time left is re-read after every wake: timers aim 1 ms short while more is left,
   * the last ms is waited by yielding to the event loop (I/O keeps flowing).
   */
  async function waitUntil(atMs: number): Promise<void> {
    // Bounded on the real clock too (the wait's own length plus a second), so an injected clock
    // that does not advance cannot hold the loop forever.
    const giveUpAtMs = performance.now() + Math.max(0, atMs - now()) + 1000
    for (let leftMs = atMs - now(); leftMs > 0 && !abort.signal.aborted && performance.now() < giveUpAtMs; leftMs = atMs - now()) {
      if (leftMs > TIMER_SLACK_MS) await sleep(leftMs - TIMER_SLACK_MS, undefined, { signal: abort.signal }).catch(() => undefined)
      else await yieldToLoop()
    }
  }

  async function openLoop(startedAtMs: number, deadlineMs: number): Promise<void> {
    const arrival = spec.arrival
    const offsets = arrival === undefined ? prompts.arrivalOffsetsMs!(warmups, spec.requests) : arrivalOffsetsMs(spec.requests, arrival.ratePerS, arrival.burstiness ?? 1, `${spec.seed ?? 0}:${spec.name}`)
    const maxInFlight = arrival?.maxConcurrency ?? Infinity
    const simSync = phase(warmups, spec.requests, maxInFlight)
    const waiting: number[] = []
    let waitingHead = 0
    let inFlight = 0
    const pending: Array<Promise<void>> = []
    const start = (index: number): void => {
      inFlight++
      pending.push(
        send(index, scheduledFor[index] ?? now(), simSync?.(index, offsets[index - warmups]! / 1000)).then(() => {
          inFlight--
          if (waitingHead < waiting.length && !abort.signal.aborted) start(waiting[waitingHead++] as number)
        }),
      )
    }
    for (let k = 0; k < spec.requests; k++) {
      const index = warmups + k
      const scheduledAtMs = startedAtMs + (offsets[k] as number)
      if (scheduledAtMs >= deadlineMs || abort.signal.aborted) break
      // In simulated time the simulator admits each request at its offset: no real wait.
      if (!simulatedTime) await waitUntil(scheduledAtMs)
      if (abort.signal.aborted) break
      scheduledFor[index] = scheduledAtMs
      if (inFlight < maxInFlight) start(index)
      else waiting.push(index)
    }
    // Settle everything started, including requests started from the waiting queue meanwhile.
    for (let settled = 0; settled < pending.length; settled++) await pending[settled]
  }
}

/** `promise`'s value, or undefined as soon as `signal` aborts (the promise is then left to the caller). */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T | undefined> {
  if (signal.aborted) return Promise.resolve(undefined)
  return new Promise<T | undefined>((resolve, reject) => {
    const onAbort = (): void => resolve(undefined)
    signal.addEventListener('abort', onAbort, { once: true })
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort)
        resolve(value)
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort)
        reject(error)
      },
    )
  })
}

function notSent(index: number, warmup: boolean, scheduledAtMs: number, atMs: number): RequestRecord {
  return unsentRecord({ index, warmup, scheduledAtMs }, atMs, { reason: 'aborted', message: 'run aborted before this request was sent' })
}
