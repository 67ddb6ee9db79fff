/**
 * Client overhead benchmark (`npm run bench:overhead`): how far the load engine's timings are from
 * the truth under paced, lockstep load (domain.md §7). The server (overhead-server.ts) runs in a
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
 * Also: event-loop delay and CPU of both processes (why 512 streams miss the target on 2 cores),
 * the highest chunk rate one Node process parses, and heap+external memory per in-flight stream.
 * Profile with: node --cpu-prof --expose-gc --import tsx test/perf/overhead.ts
 */
import { fork } from 'node:child_process'
import { subscribe, unsubscribe } from 'node:diagnostics_channel'
import { once } from 'node:events'
import { loadavg } from 'node:os'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { runWorkload } from '../../src/load/index.js'
import { percentileLinear } from '../../src/metrics/index.js'
import type { RequestRecord } from '../../src/metrics/types.js'
import { epochMinusMonotonicMs, type ServerCommand, type ServerPhase } from './overhead-protocol.js'

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
const CONTENT = Buffer.from('"content":"')
function writtenByIndex(): Map<number, number> {
  const out = new Map<number, number>()
  for (const w of writes) {
    const body = w.request.body
    if (!Buffer.isBuffer(body)) continue
    const at = body.indexOf(CONTENT)
    if (at !== -1) out.set(Number.parseInt(body.toString('utf8', at + CONTENT.length, at + CONTENT.length + 12), 10), w.atMs)
  }
  writes.length = 0
  return out
}

interface PhaseResult {
  label: string
  streams: number
  chunks: number
  failed: number
  ttftErrMs: number[]
  itlErrMs: number[]
  lagMs: number[]
  /** written − sentAtMs: how early the engine's send stamp is. */
  sendErrMs: number[]
  /** Server write − when its step was due. */
  serverLateMs: number[]
  chunksPerS: number
  offeredPerS: number
  clientCpuPct: number
  serverCpuPct: number
  clientLoopP99Ms: number
  clientLoopMaxMs: number
  serverLoopP99Ms: number
  loadAvg1: number
  memoryPerStreamKb?: number
}

async function phase(label: string, streams: number, tokens: number, stepMs: number, options: { memoryAtMs?: number; eventsPerWrite?: number } = {}): Promise<PhaseResult> {
  await request({ type: 'config', stepMs, tokens, eventsPerWrite: options.eventsPerWrite ?? 1 }, 'ok')
  gc()
  writes.length = 0
  const before = process.memoryUsage()
  let during: NodeJS.MemoryUsage | undefined
  const timer =
    options.memoryAtMs === undefined
      ? undefined
      : setTimeout(() => {
          gc()
          during = process.memoryUsage()
        }, options.memoryAtMs)
  const loop = monitorEventLoopDelay({ resolution: 1 })
  loop.enable()
  const cpuBefore = process.cpuUsage()
  const wallBefore = performance.now()
  const run = await runWorkload(
    { baseUrl, model: 'bench-model' },
    { name: `overhead-${streams}`, requests: streams, concurrency: streams, prompt: { tokens: 32 }, maxTokens: tokens, requestTimeoutS: 300, idleTimeoutS: 120 },
  )
  const wallMs = performance.now() - wallBefore
  const cpu = process.cpuUsage(cpuBefore)
  loop.disable()
  clearTimeout(timer)
  const server = await request<ServerPhase>({ type: 'collect' }, 'stamps')
  const written = writtenByIndex()
  const byIndex = new Map(server.streams.map((s) => [s.index, s]))
  const result: PhaseResult = {
    label,
    streams,
    chunks: 0,
    failed: 0,
    ttftErrMs: [],
    itlErrMs: [],
    lagMs: [],
    sendErrMs: [],
    serverLateMs: [],
    chunksPerS: 0,
    offeredPerS: stepMs > 0 ? (streams * 1000) / stepMs : Infinity,
    clientCpuPct: ((cpu.user + cpu.system) / 1000 / wallMs) * 100,
    serverCpuPct: (server.cpuMs / wallMs) * 100,
    clientLoopP99Ms: loop.percentile(99) / 1e6,
    clientLoopMaxMs: loop.max / 1e6,
    serverLoopP99Ms: server.loopDelayP99Ms,
    loadAvg1: loadavg()[0]!,
  }
  let first = Infinity
  let last = -Infinity
  for (const r of run.records as RequestRecord[]) {
    const s = byIndex.get(r.index)
    const w = written.get(r.index)
    const c = r.contentChunkAtMs
    if (r.failure !== undefined || s === undefined || w === undefined || c.length !== s.writtenAtMs.length) {
      result.failed++
      continue
    }
    const sk = s.writtenAtMs.map(toClientMs)
    result.chunks += c.length
    first = Math.min(first, c[0]!)
    last = Math.max(last, c.at(-1)!)
    result.ttftErrMs.push(c[0]! - r.sentAtMs - (sk[0]! - w))
    result.sendErrMs.push(w - r.sentAtMs)
    for (let k = 0; k < c.length; k++) {
      result.lagMs.push(c[k]! - sk[k]!)
      if (k > 0) result.itlErrMs.push(c[k]! - c[k - 1]! - (sk[k]! - sk[k - 1]!))
    }
  }
  if (stepMs > 0) for (const x of server.streams) for (let k = 0; k < x.writtenAtMs.length; k++) result.serverLateMs.push(x.writtenAtMs[k]! - x.dueAtMs[k]!)
  result.chunksPerS = last > first ? (result.chunks * 1000) / (last - first) : 0
  if (during !== undefined) {
    const grown = during.heapUsed + during.external - (before.heapUsed + before.external)
    result.memoryPerStreamKb = grown / streams / 1024
  }
  return result
}

const sorted = (xs: number[]): number[] => [...xs].sort((a, b) => a - b)
const abs = (xs: number[]): number[] => xs.map(Math.abs).sort((a, b) => a - b)
const p = (xs: number[], q: number): number => (xs.length === 0 ? NaN : percentileLinear(xs, q))
const f = (n: number, digits = 3): string => (Number.isFinite(n) ? n.toFixed(digits) : String(n))
const dist = (xs: number[]): string => `${f(p(xs, 50))}/${f(p(xs, 99))}/${f(xs.at(-1) ?? NaN)}`

function print(r: PhaseResult): void {
  console.log(
    `${r.label.padEnd(26)} streams=${String(r.streams).padStart(3)} chunks=${r.chunks} failed=${r.failed} offered=${f(r.offeredPerS, 0)}/s got=${f(r.chunksPerS, 0)}/s` +
      ` | client |ttft err| ${dist(abs(r.ttftErrMs))} |itl err| ${dist(abs(r.itlErrMs))} lag ${dist(sorted(r.lagMs))} send-stamp err ${dist(sorted(r.sendErrMs))} ms (p50/p99/max)` +
      ` | server late ${dist(sorted(r.serverLateMs))} ms | cpu client ${f(r.clientCpuPct, 0)}% server ${f(r.serverCpuPct, 0)}%` +
      ` | loop delay client p99 ${f(r.clientLoopP99Ms, 1)} max ${f(r.clientLoopMaxMs, 1)} server p99 ${f(r.serverLoopP99Ms, 1)} ms | loadavg ${f(r.loadAvg1, 2)}`,
  )
}

function table(rows: PhaseResult[]): void {
  const head = ['streams', 'ttft err p99', 'itl err p99', 'itl err p50', 'lag p99', 'server late p99', 'chunks/s got/offered', 'client cpu', 'client loop p99', 'server cpu']
  console.log(`| ${head.join(' | ')} |`)
  console.log(`|${head.map(() => '---').join('|')}|`)
  for (const r of rows) {
    const cells = [
      String(r.streams),
      `${f(p(abs(r.ttftErrMs), 99))} ms`,
      `${f(p(abs(r.itlErrMs), 99))} ms`,
      `${f(p(abs(r.itlErrMs), 50))} ms`,
      `${f(p(sorted(r.lagMs), 99))} ms`,
      `${f(p(sorted(r.serverLateMs), 99))} ms`,
      `${f(r.chunksPerS, 0)}/${f(r.offeredPerS, 0)}`,
      `${f(r.clientCpuPct, 0)}%`,
      `${f(r.clientLoopP99Ms, 1)} ms`,
      `${f(r.serverCpuPct, 0)}%`,
    ]
    console.log(`| ${cells.join(' | ')} |`)
  }
}

console.log(
  `overhead benchmark: lockstep server in a child process, step 10 ms; node ${process.version}; gc ${gc.name === 'gc' ? 'exposed' : 'NOT exposed (run with --expose-gc)'}; ` +
    `clock skew server−client ${f(skewMs * 1000, 1)} µs (subtracted)`,
)
await phase('warm-up', 64, 50, 10) // JIT warm-up, not reported
const one = await phase('paced 1 stream', 1, 200, 10)
print(one)
const sixtyFour = await phase('paced 64 streams', 64, 200, 10)
print(sixtyFour)
const big = await phase('paced 512 streams', 512, 300, 10)
print(big)
const memory = await phase('memory', 512, 100, 10, { memoryAtMs: 600 })
console.log(`memory: 512 streams in flight: ${f(memory.memoryPerStreamKb ?? NaN, 1)} KB per stream (heapUsed+external growth after gc, includes the pool's socket and records)`)
const flatReads = await phase('flat out, 1 event/write', 128, 2000, 0)
print(flatReads)
const flat = await phase('flat out, 16 events/write', 128, 4000, 0, { eventsPerWrite: 16 })
print(flat)
table([one, sixtyFour, big])

const skewAfterMs = (await request<ServerPhase>({ type: 'collect' }, 'stamps')).epochMinusMonotonicMs - epochMinusMonotonicMs()
console.log(`clock skew server−client at the end: ${f(skewAfterMs * 1000, 1)} µs (start ${f(skewMs * 1000, 1)} µs)`)
unsubscribe('undici:request:bodySent', onBodySent)
child.send({ type: 'stop' } satisfies ServerCommand)
const ttftP99 = p(abs(big.ttftErrMs), 99)
const itlP99 = p(abs(big.itlErrMs), 99)
console.log(`overhead: ttft_err_p99_ms=${f(ttftP99)} itl_err_p99_ms=${f(itlP99)} streams=512 chunks_per_s=${f(Math.max(flat.chunksPerS, flatReads.chunksPerS), 0)} kb_per_stream=${f(memory.memoryPerStreamKb ?? NaN, 1)}`)
process.exit(0)
