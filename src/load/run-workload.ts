/**
 * The load loop. Closed loop (compressa-perf's model: `concurrency` workers share `requests`) or
 * open loop (vLLM `bench serve`: gamma arrivals, optional max concurrency). The pool's connections
 * are opened and warmed BEFORE the clock starts, so connection set-up never lands in TTFT
 * (docs/metrics.md "Client timing"); it is reported as `connectMs`. Warm-up requests run before the clock too, and
 * so does rendering the bodies of the first all-at-once wave. Body reads are stamped once per
 * event-loop poll phase by default (read-stamp.ts); test/perf/overhead.ts measures the result.
 * The loops are load-loops.ts; the run's state and the sending of one request, load-run.ts.
 */
import { setMaxListeners } from 'node:events'
import { availableParallelism } from 'node:os'
import { dirname } from 'node:path'
import { Pool } from 'undici'
import { MlnodeBenchError } from '../errors.js'
import type { RequestRecord } from '../contracts/records.js'
import { preparePrompts, type DatasetRequest } from './prompts.js'
import { withCompressaToken } from './compressa-config.js'
import { createReadStamp } from './read-stamp.js'
import { endpointPath, requestPayload } from './endpoint.js'
import { closedLoop, openLoop } from './load-loops.js'
import { prerender, type LoadRun } from './load-run.js'
import { startLoadWorkers } from './load-workers.js'
import { SIM_SKIPPED } from './simulated-stamps.js'
import type { LoadTarget, RunWorkloadOptions, WorkloadRun, WorkloadSpec } from '../contracts/workload.js'
import { validateWorkload } from './validate.js'
import { createWaveSlicer } from './wave-slicer.js'
import { warmPool } from './warm-pool.js'
import { chooseWorkerCount } from './worker-count.js'
import { unsentRecord } from './unsent-record.js'

/** Open-loop pools without a max concurrency hold at most this many connections. */
const MAX_OPEN_LOOP_CONNECTIONS = 1024

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
  const run = await prepareRun(withCompressaToken(target, spec), spec, options)
  const unlink = linkAbort(run)
  try {
    const connectMs = await openConnections(run)
    if (run.warmups > 0 && !run.abort.signal.aborted) await closedLoop(run, 0, run.warmups, Math.min(run.connections, run.warmups), Infinity)
    const { startedAtMs, endedAtMs } = await measuredPhase(run)
    recordUnsent(run)
    const result: WorkloadRun = {
      spec,
      records: run.records.filter((r): r is RequestRecord => r !== undefined),
      startedAtMs,
      endedAtMs,
      connections: run.connections,
      workers: run.workerCount,
    }
    if (connectMs !== undefined) result.connectMs = connectMs
    if (run.workers !== undefined) {
      result.workerLoopDelay = await run.workers.close()
      run.workers = undefined
    }
    return result
  } finally {
    unlink()
    await run.workers?.close()
    await run.pool?.destroy().catch(() => undefined)
  }
}

/** The run's state before anything is sent: prompts, pool or worker count, the internal abort. */
async function prepareRun(target: LoadTarget, spec: WorkloadSpec, options: RunWorkloadOptions): Promise<LoadRun> {
  const now = options.now ?? performance.now.bind(performance)
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
  const abort = new AbortController()
  setMaxListeners(0, abort.signal)
  return {
    target,
    spec,
    options,
    now,
    prompts,
    warmups,
    total,
    connections,
    workerCount,
    simulatedTime: options.simulatedTime === true,
    openLoop: spec.arrival !== undefined || isTraceReplay(spec),
    abort,
    workers: undefined,
    pool: workerCount > 0 ? undefined : new Pool(endpointPath(target.baseUrl, 'chat').origin, { connections, pipelining: 1 }),
    startSliced: createWaveSlicer(),
    streamStamp: createReadStamp(now, options.readStamp ?? 'poll'),
    records: new Array(total),
    scheduledFor: new Array(total),
    prerendered: new Map(),
    renderBody: (index) => requestPayload(requestBody(target, spec, prompts.text(index), prompts.request?.(index))),
  }
}

/** The caller's abort aborts every request and the workers; returns the unlinking. */
function linkAbort(run: LoadRun): () => void {
  const { abort, options } = run
  const onCallerAbort = (): void => abort.abort()
  if (options.signal?.aborted) abort.abort()
  options.signal?.addEventListener('abort', onCallerAbort, { once: true })
  abort.signal.addEventListener('abort', () => run.workers?.abort(), { once: true })
  return () => options.signal?.removeEventListener('abort', onCallerAbort)
}

/**
 * Opens and warms the connections before the clock starts (connection set-up never lands in
 * TTFT); returns how long that took, when warmed.
 */
async function openConnections(run: LoadRun): Promise<number | undefined> {
  const { options, abort, now } = run
  const warm = options.warmConnections ?? true
  if (run.workerCount > 0) {
    // Each worker warms its code and opens its share of the connections before reporting ready.
    // Their start (and connection warm-up) ends with the workload's bound like everything else.
    const starting = startLoadWorkers({ count: run.workerCount, target: run.target, connections: run.connections, readStamp: options.readStamp ?? 'poll', warmConnections: warm, signal: abort.signal })
    run.workers = await untilAborted(starting, abort.signal)
    if (run.workers === undefined) void starting.then((late) => late.close(), () => undefined)
    const connectMs = run.workers !== undefined && warm ? run.workers.connectMs : undefined
    if (abort.signal.aborted) run.workers?.abort()
    return connectMs
  }
  if (!warm) return undefined
  const connectStartMs = now()
  await warmPool(run.pool!, run.target, run.connections, abort.signal)
  return now() - connectStartMs
}

/** The measured requests, with the first wave rendered before the clock; their clock's start and end. */
async function measuredPhase(run: LoadRun): Promise<{ startedAtMs: number; endedAtMs: number }> {
  const { spec, warmups, total, now } = run
  if (!run.openLoop) prerender(run, warmups, Math.min(spec.concurrency ?? 1, spec.requests))
  else if (spec.arrival?.ratePerS === Infinity) prerender(run, warmups, Math.min(spec.arrival.maxConcurrency ?? spec.requests, spec.requests))
  run.workers?.measure()
  const startedAtMs = now()
  // In simulated time the simulator applies the duration bound (it skips later admissions).
  const deadlineMs = spec.durationS === undefined || run.simulatedTime ? Infinity : startedAtMs + spec.durationS * 1000
  if (!run.openLoop) await closedLoop(run, warmups, total, spec.concurrency ?? 1, deadlineMs)
  else await openLoop(run, startedAtMs, deadlineMs)
  const endedAtMs = now()
  if (!run.simulatedTime) return { startedAtMs, endedAtMs }
  // The measured phase's own clock: its session starts at 0; skipped requests were never sent.
  const records = run.records
  for (let i = warmups; i < total; i++) if (records[i]?.failure?.message === SIM_SKIPPED) records[i] = undefined
  return { startedAtMs: 0, endedAtMs: records.reduce((latest, r) => (r === undefined || r.warmup ? latest : Math.max(latest, r.endAtMs)), 0) }
}

/** Requests never sent because the run was aborted are recorded as such. */
function recordUnsent(run: LoadRun): void {
  const abortedAtMs = run.now()
  for (let i = 0; i < run.total; i++) {
    if (run.records[i] === undefined && run.abort.signal.aborted) run.records[i] = notSent(i, i < run.warmups, run.scheduledFor[i] ?? abortedAtMs, abortedAtMs)
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
