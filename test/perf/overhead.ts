/**
 * Client overhead benchmark (`npm run bench:overhead`): how far the load engine's timings are from
 * the truth under paced, lockstep load (docs/metrics.md "Client timing"). The server (overhead-server.ts) runs in a
 * SEPARATE PROCESS and emits token k of every stream in the same 10 ms "engine step"; it stamps
 * each chunk right after writing it. The client (runWorkload) measures; the benchmark compares on
 * the common clock `performance.timeOrigin + performance.now()`:
 *   lag        = ck − sk                         client stamp − server write (delivery + client delay)
 *   ITL error  = (ck − ck−1) − (sk − sk−1)       = lag_k − lag_k−1
 *   TTFT error = (c1 − sent) − (s1 − written)    client TTFT − true TTFT, where `written` is when
 *                undici finished writing the request to its socket (diagnostics channel
 *                `undici:request:bodySent`, published right after the socket write) and `sent`
 *                the engine's RequestRecord.sentAtMs
 * and reports apart the SERVER's own lateness (write − when its step was due), which is not the
 * client's error. Residual clock skew: both processes derive the epoch clock from their own
 * start-up sample of the wall clock plus CLOCK_MONOTONIC, so the two differ by a constant; each
 * process measures (epoch − process.hrtime) — hrtime is the machine-wide CLOCK_MONOTONIC — and
 * the difference is the skew, printed and subtracted.
 * (measured: ~2 µs, constant over a run).
 *
 * Phases: paced 1 / 64 / 512 streams through runWorkload as it runs by default (its streams on
 * load worker threads, reads stamped once per poll phase; the send ground truth then comes from
 * overhead-worker-probe.ts inside each thread), 512 on the main thread (workers: 0, A/B), and the
 * same loads through a raw-socket client
 * with no HTTP/SSE/JSON work (overhead-raw-client.ts): the floor of any Node client on this
 * machine. Per phase: CPU of both processes (kernel share), client CPU per chunk, event-loop busy
 * share and delay, main-thread run-queue wait, and the CPU other processes took meanwhile (the
 * 2 cores are shared; a phase disturbed by them is re-run, keeping the least disturbed attempt).
 * Then the highest chunk rate the engine parses on one worker thread per core (server flat out,
 * 1 and 16 events per write), heap+external memory per in-flight stream (every thread), a table,
 * the limit at 512 from this run's figures, each figure against its target (overhead-targets.ts),
 * and the last line (512-stream paced phase; chunks/s = the better flat-out rate).
 * Quick looks (overhead-quick-looks.ts): OVERHEAD_DEBUG_BURST=1 (a sample of each phase's start-up burst, per request), OVERHEAD_FLOORS=1 (engine, Node and Python floors alternating), OVERHEAD_ONLY_64=1, OVERHEAD_ONLY_512=1, OVERHEAD_ONLY_MEMORY=1, OVERHEAD_PROFILE=
 * out.cpuprofile (512 only); OVERHEAD_AB=<another checkout's src/load/index.ts> alternates this
 * engine with that one (64 and 512 streams, 3 rounds) so both see the same machine.
 */
import { fork } from 'node:child_process'
import { subscribe, unsubscribe } from 'node:diagnostics_channel'
import { once } from 'node:events'
import { availableParallelism, loadavg } from 'node:os'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { BroadcastChannel } from 'node:worker_threads'
import { createReadStamp, loadWorkerMemoryBytes, runWorkload, stopIdleLoadWorkers, type ReadStampMode, type WorkerLoopDelay } from '../../src/load/index.js'
import { nowMinusMonotonicMs } from '../../src/load/thread-clock.js'
import { printTargets } from './overhead-targets.js'
import { runQuickLook } from './overhead-quick-looks.js'
import { WRITES_CHANNEL } from './overhead-worker-probe.js'
import { rawStreams } from './overhead-raw-client.js'
import { pythonStreams } from './overhead-python-client.js'
import { epochMinusMonotonicMs, machineJiffies, schedstat, type ServerCommand, type ServerPhase } from './overhead-protocol.js'
import { abs, f, p, print, printBurst, table, type PhaseResult } from './overhead-report.js'
import { compareWithServer } from './overhead-compare.js'

const cores = availableParallelism()

const gc = (globalThis as { gc?: () => void }).gc ?? ((): void => undefined)

const child = fork(new URL('./overhead-server.ts', import.meta.url), [], { execArgv: ['--import', 'tsx'], serialization: 'advanced' })
const [listening] = (await once(child, 'message')) as [{ port: number; epochMinusMonotonicMs: number }]
const baseUrl = `http://127.0.0.1:${listening.port}`
/** Server epoch clock − client epoch clock at the same instant, ms. */
const skewMs = listening.epochMinusMonotonicMs - epochMinusMonotonicMs()
/** A server stamp (epoch ms) on the client's performance.now() scale. */
const toClientMs = (epoch: number): number => epoch - skewMs - performance.timeOrigin

async function request<T>(message: ServerCommand, type: string): Promise<T> {
  child.send(message)
  for (;;) {
    const [reply] = (await once(child, 'message')) as [{ type: string } & T]
    if (reply.type === type) return reply
  }
}

/** Request writes, stamped right after undici's socket write (ground truth for the send stamp). */
const writes: Array<{ request: { body?: unknown }; atMs: number }> = []
const onBodySent = (message: unknown): void => {
  writes.push({ request: (message as { request: { body?: unknown } }).request, atMs: performance.now() })
}
subscribe('undici:request:bodySent', onBodySent)
// Requests written by the load worker threads: stamped there (overhead-worker-probe.ts, loaded
// into each through MLNODE_BENCH_LOAD_WORKER_IMPORT) on CLOCK_MONOTONIC, put on this thread's clock.
process.env.MLNODE_BENCH_LOAD_WORKER_IMPORT = new URL('./overhead-worker-probe.ts', import.meta.url).href
const mainNowMinusMonotonic = nowMinusMonotonicMs()
const workerWrites = new Map<number, number>()
const writesChannel = new BroadcastChannel(WRITES_CHANNEL)
writesChannel.unref()
writesChannel.onmessage = (event) => {
  for (const { index, atMonotonicMs } of (event as { data: Array<{ index: number; atMonotonicMs: number }> }).data) workerWrites.set(index, atMonotonicMs + mainNowMinusMonotonic)
}
const CONTENT = Buffer.from('"content":"')
function writtenByIndex(): Map<number, number> {
  const out = new Map<number, number>(workerWrites)
  workerWrites.clear()
  for (const w of writes) {
    const body = w.request.body
    if (!Buffer.isBuffer(body)) continue
    const at = body.indexOf(CONTENT)
    if (at !== -1) out.set(Number.parseInt(body.toString('utf8', at + CONTENT.length, at + CONTENT.length + 12), 10), w.atMs)
  }
  writes.length = 0
  return out
}

async function phase(label: string, streams: number, tokens: number, stepMs: number, options: { memoryAtMs?: number; eventsPerWrite?: number; readStamp?: ReadStampMode; raw?: boolean; python?: boolean; engine?: typeof runWorkload; workers?: number | 'auto' } = {}): Promise<PhaseResult> {
  await request({ type: 'config', stepMs, tokens, eventsPerWrite: options.eventsPerWrite ?? 1 }, 'ok')
  gc()
  writes.length = 0
  workerWrites.clear()
  // Heap + external of this thread and of every load worker thread (idle ones included: their base counts too).
  const heapBytes = (m: NodeJS.MemoryUsage): number => m.heapUsed + m.external
  const before = heapBytes(process.memoryUsage()) + (options.memoryAtMs === undefined ? 0 : await loadWorkerMemoryBytes('all'))
  let during: number | undefined
  // Sampled memoryAtMs after the LAST request was sent (on a busy machine the start-up alone can
  // take longer than a fixed delay from the phase start): every stream is then in flight.
  let timer: NodeJS.Timeout | undefined
  let sent = 0
  const onRequestSent = (): void => {
    if (options.memoryAtMs === undefined || ++sent !== streams) return
    timer = setTimeout(() => {
      gc()
      const main = heapBytes(process.memoryUsage())
      void loadWorkerMemoryBytes('busy').then((bytes) => (during = main + bytes))
    }, options.memoryAtMs)
  }
  const loop = monitorEventLoopDelay({ resolution: 1 })
  loop.enable()
  const eluBefore = performance.eventLoopUtilization()
  const cpuBefore = process.cpuUsage()
  const schedBefore = schedstat()
  const machineBefore = machineJiffies()
  const wallBefore = performance.now()
  let records: Array<{ index: number; sentAtMs: number; contentChunkAtMs: number[]; failure?: unknown }>
  let workers = 0
  let workerLoopDelay: WorkerLoopDelay | undefined
  const rawWritten = new Map<number, number>()
  /** CPU of a client process other than this one (the Python floor), µs. */
  let childCpuUs = 0
  if (options.raw === true) {
    const raw = await rawStreams(listening.port, streams, tokens, createReadStamp(() => performance.now(), options.readStamp ?? 'poll'))
    for (const r of raw) rawWritten.set(r.index, r.writtenAtMs)
    records = raw
  } else if (options.python === true) {
    const python = await pythonStreams(listening.port, streams, tokens)
    for (const r of python.records) rawWritten.set(r.index, r.writtenAtMs)
    records = python.records
    childCpuUs = python.cpuMs * 1000
  } else {
    const run = await (options.engine ?? runWorkload)(
      { baseUrl, model: 'bench-model' },
      { name: `overhead-${streams}`, requests: streams, concurrency: streams, prompt: { tokens: 32 }, maxTokens: tokens, requestTimeoutS: 300, idleTimeoutS: 120 },
      { readStamp: options.readStamp ?? 'poll', workers: options.workers ?? 'auto', onRequestSent },
    )
    records = run.records
    workers = run.workers ?? 0
    workerLoopDelay = run.workerLoopDelay
  }
  const wallMs = performance.now() - wallBefore
  const ownCpu = process.cpuUsage(cpuBefore)
  const cpu = { user: ownCpu.user + childCpuUs, system: ownCpu.system }
  const elu = performance.eventLoopUtilization(eluBefore)
  const schedAfter = schedstat()
  const machineAfter = machineJiffies()
  loop.disable()
  clearTimeout(timer)
  const server = await request<ServerPhase>({ type: 'collect' }, 'stamps')
  const written = options.raw === true || options.python === true ? rawWritten : writtenByIndex()
  const result: PhaseResult = {
    label,
    streams,
    chunks: 0,
    failed: 0,
    ttftErrMs: [],
    itlErrMs: [],
    lagMs: [],
    sendErrMs: [],
    earlyStamps: 0,
    earliestMs: 0,
    serverLateMs: [],
    serverWriteMs: [],
    chunksPerS: 0,
    offeredPerS: stepMs > 0 ? (streams * 1000) / stepMs : Infinity,
    clientCpuPct: ((cpu.user + cpu.system) / 1000 / wallMs) * 100,
    clientSysPct: (cpu.system / 1000 / wallMs) * 100,
    serverCpuPct: (server.cpuMs / wallMs) * 100,
    clientLoopP99Ms: loop.percentile(99) / 1e6,
    clientLoopBusyPct: elu.utilization * 100,
    clientCpuPerChunkUs: NaN,
    clientLoopMaxMs: loop.max / 1e6,
    serverLoopP99Ms: server.loopDelayP99Ms,
    loadAvg1: loadavg()[0]!,
    clientRunQueuePct: ((schedAfter.waitNs - schedBefore.waitNs) / 1e6 / wallMs) * 100,
    serverRunQueuePct: (server.runQueueWaitNs / 1e6 / wallMs) * 100,
    machineBusyCores: 0,
    otherCores: 0,
    burst: { lastDispatchedMs: 0, lastWrittenMs: 0, lastReceivedMs: 0, lastFirstChunkWrittenMs: 0, lastFirstChunkStampedMs: 0 },
    workers,
    ...(workerLoopDelay === undefined ? {} : { workerLoopDelay }),
  }
  const jiffies = machineAfter.total - machineBefore.total
  result.machineBusyCores = jiffies > 0 ? ((machineAfter.busy - machineBefore.busy) / jiffies) * cores : NaN
  result.otherCores = result.machineBusyCores - (result.clientCpuPct + result.serverCpuPct) / 100
  const { first, last } = compareWithServer(result, records, written, server, toClientMs, stepMs)
  result.clientCpuPerChunkUs = result.chunks > 0 ? (cpu.user + cpu.system) / result.chunks : NaN
  result.chunksPerS = last > first ? (result.chunks * 1000) / (last - first) : 0
  if (during !== undefined) {
    result.memoryPerStreamKb = (during - before) / streams / 1024
    result.memoryInFlightBytes = during
  }
  return result
}

console.log(
  `overhead benchmark: lockstep server in a child process, step 10 ms; node ${process.version}; gc ${gc.name === 'gc' ? 'exposed' : 'NOT exposed (run with --expose-gc)'}; ` +
    `clock skew server−client ${f(skewMs * 1000, 1)} µs (subtracted)`,
)
// JIT warm-up, not reported; it also starts one load worker thread per core, so that no measured
// phase pays a thread's start-up (runs reuse them, and the start-up comes before the clock anyway).
await phase('warm-up', 64, 50, 10, { workers: cores })
await runQuickLook(phase, () => child.send({ type: 'stop' } satisfies ServerCommand))
/**
 * Other engineers' jobs share these 2 cores and come in bursts: a paced phase that ran while other
 * processes used more than OTHER_CORES_MAX cores is run again (at most ATTEMPTS times in all) and
 * the attempt with the LEAST interference is kept. The choice looks only at other processes' CPU,
 * never at the errors, and every attempt is printed.
 */
const OTHER_CORES_MAX = 0.25
const ATTEMPTS = 3
/** Re-runs share this much time in all, so the whole benchmark stays under 2 minutes. */
let retryBudgetMs = 35_000
async function quietPhase(...args: Parameters<typeof phase>): Promise<PhaseResult> {
  let best: PhaseResult | undefined
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    const startedMs = performance.now()
    const r = await phase(...args)
    if (attempt > 1) retryBudgetMs -= performance.now() - startedMs
    if (best === undefined || r.otherCores < best.otherCores) best = r
    if (r.otherCores <= OTHER_CORES_MAX || retryBudgetMs <= 0) break
    console.log(`  (attempt ${attempt}: other processes used ${f(r.otherCores, 2)} cores, ttft err p99 ${f(p(abs(r.ttftErrMs), 99))} itl err p99 ${f(p(abs(r.itlErrMs), 99))} ms${attempt < ATTEMPTS && retryBudgetMs > 0 ? '; running it again' : ''})`)
  }
  return best!
}

const one = await quietPhase('paced 1 stream', 1, 200, 10)
print(one)
const oneFloor = await quietPhase('paced 1, raw-socket floor', 1, 200, 10, { raw: true })
print(oneFloor)
const sixtyFour = await quietPhase('paced 64 streams', 64, 200, 10)
print(sixtyFour)
const sixtyFourFloor = await quietPhase('paced 64, raw-socket floor', 64, 200, 10, { raw: true })
print(sixtyFourFloor)
const big = await quietPhase('paced 512 streams', 512, 300, 10)
print(big)
printBurst(big)
const bigMainThread = await quietPhase('paced 512, main thread', 512, 300, 10, { workers: 0 })
print(bigMainThread)
const floor = await quietPhase('paced 512, raw-socket floor', 512, 300, 10, { raw: true })
print(floor)
printBurst(floor)
// Memory per stream as the marginal cost of 448 more streams on the same 2 worker threads (their
// isolates and pools are there either way): heap+external of every thread after gc, all in flight.
const memorySmall = await phase('memory', 64, 200, 10, { memoryAtMs: 600, workers: 2 })
const memoryBig = await phase('memory', 512, 200, 10, { memoryAtMs: 600, workers: 2 })
const memory = { memoryPerStreamKb: ((memoryBig.memoryInFlightBytes ?? NaN) - (memorySmall.memoryInFlightBytes ?? NaN)) / (512 - 64) / 1024 }
console.log(
  `memory: ${f(memory.memoryPerStreamKb, 1)} KB per stream (heapUsed+external after gc of the main thread and both load worker threads, all streams in flight: ` +
    `${f((memoryBig.memoryInFlightBytes ?? NaN) / 2 ** 20, 1)} MiB at 512 streams, ${f((memorySmall.memoryInFlightBytes ?? NaN) / 2 ** 20, 1)} MiB at 64; includes the pools' sockets and records)`,
)
// Flat out on every core: one worker thread per core (the server shares them).
const flatReads = await phase('flat out, 1 event/write', 128, 2000, 0, { workers: cores })
print(flatReads)
const flat = await phase('flat out, 16 events/write', 128, 4000, 0, { eventsPerWrite: 16, workers: cores })
print(flat)
table([one, oneFloor, sixtyFour, sixtyFourFloor, big, bigMainThread, floor])

// What 512 streams cost here, from this run's own figures (nothing hard-coded).
const needCores = (r: PhaseResult): number => (r.clientCpuPerChunkUs * r.offeredPerS) / 1e6
console.log(
  `limit at 512 streams: on ${big.workers} worker thread(s) (worst worker loop delay p99 ${f(big.workerLoopDelay?.p99Ms ?? NaN, 1)} max ${f(big.workerLoopDelay?.maxMs ?? NaN, 1)} ms) the engine needs ${f(big.clientCpuPerChunkUs, 1)} µs CPU per chunk x ${f(big.offeredPerS, 0)} chunks/s = ${f(needCores(big), 2)} cores ` +
    `(its event loop was busy ${f(big.clientLoopBusyPct, 0)}% of the phase); even raw sockets with no HTTP/SSE parsing need ${f(floor.clientCpuPerChunkUs, 1)} µs/chunk = ${f(needCores(floor), 2)} cores ` +
    `(loop busy ${f(floor.clientLoopBusyPct, 0)}%, kernel ${f(floor.clientSysPct, 0)}% of the phase), while the co-located server took ${f(big.serverCpuPct / 100, 2)} of the ${cores} cores. ` +
    `A saturated loop queues reads: raw-socket floor itl err p99 ${f(p(abs(floor.itlErrMs), 99))} ms, ttft err p99 ${f(p(abs(floor.ttftErrMs), 99))} ms ` +
    `(writing 512 requests took ${f(floor.burst.lastWrittenMs, 1)} ms raw, ${f(big.burst.lastWrittenMs, 1)} ms through undici; first chunks arriving meanwhile wait).`,
)
if (Math.max(one.otherCores, sixtyFour.otherCores, big.otherCores, floor.otherCores) > OTHER_CORES_MAX)
  console.log(`WARNING: other processes used more than ${OTHER_CORES_MAX} cores during a kept phase (see 'other processes'): figures include their interference`)

const skewAfterMs = (await request<ServerPhase>({ type: 'collect' }, 'stamps')).epochMinusMonotonicMs - epochMinusMonotonicMs()
console.log(`clock skew server−client at the end: ${f(skewAfterMs * 1000, 1)} µs (start ${f(skewMs * 1000, 1)} µs)`)
unsubscribe('undici:request:bodySent', onBodySent)
child.send({ type: 'stop' } satisfies ServerCommand)
const ttftP99 = p(abs(big.ttftErrMs), 99)
const itlP99 = p(abs(big.itlErrMs), 99)
const flatBest = Math.max(flat.chunksPerS, flatReads.chunksPerS)
const limit = `client CPU ${f(needCores(big), 2)} cores needed at 512 streams, server ${f(big.serverCpuPct / 100, 2)} cores, on ${cores} cores shared with other processes (${f(big.otherCores, 2)} cores)`
printTargets([
  { name: `512 lockstep streams x 10 ms, TTFT error p99 (${big.workers} worker threads)`, measured: ttftP99, bound: 'max', target: 5, unit: 'ms', floor: p(abs(floor.ttftErrMs), 99), note: limit },
  { name: `512 lockstep streams x 10 ms, ITL error p99 (${big.workers} worker threads)`, measured: itlP99, bound: 'max', target: 1, unit: 'ms', floor: p(abs(floor.itlErrMs), 99), note: limit },
  { name: `64 lockstep streams x 10 ms, ITL error p99 (${sixtyFour.workers} worker thread(s))`, measured: p(abs(sixtyFour.itlErrMs), 99), bound: 'max', target: 0.4, unit: 'ms', floor: p(abs(sixtyFourFloor.itlErrMs), 99), note: `worst worker loop delay p99 ${f(sixtyFour.workerLoopDelay?.p99Ms ?? NaN, 2)} ms` },
  { name: `flat out, chunks/s parsed (${flat.workers} worker threads)`, measured: flatBest, bound: 'min', target: 500_000, unit: 'chunks/s', note: `client ${f(flat.clientCpuPerChunkUs, 2)} µs CPU per chunk; the server in the same 2 cores took ${f(flat.serverCpuPct / 100, 2)} cores` },
  { name: 'memory per in-flight stream', measured: memory.memoryPerStreamKb ?? NaN, bound: 'max', target: 20, unit: 'KB' },
])
await stopIdleLoadWorkers()
console.log(`overhead: ttft_err_p99_ms=${f(ttftP99)} itl_err_p99_ms=${f(itlP99)} streams=512 chunks_per_s=${f(flatBest, 0)} kb_per_stream=${f(memory.memoryPerStreamKb ?? NaN, 1)}`)
process.exit(0)
