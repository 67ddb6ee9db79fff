/**
 * Client overhead benchmark (`npm run bench:overhead`): how far the load engine's timings are from
 * the truth under paced, lockstep load (domain.md §7). A worker-thread server (overhead-server.ts)
 * emits token k of every stream in the same 10 ms "engine step" and stamps each write with
 * process.hrtime; the client (runWorkload, unchanged) measures; we compare:
 *   TTFT error = (c1 − sent) − (s1 − received)   client TTFT minus the server's true TTFT
 *   ITL error  = (ck − ck−1) − (sk − sk−1)        client gap minus the server's gap
 *   lag        = ck − sk                          delivery + stamping delay of each chunk
 * Also: the highest chunk rate one Node process parses (server flat out), and heap+external
 * memory per in-flight stream. Profile with: node --cpu-prof --expose-gc --import tsx test/perf/overhead.ts
 */
import { once } from 'node:events'
import { Worker } from 'node:worker_threads'
import { runWorkload } from '../../src/load/index.js'
import { percentileLinear } from '../../src/metrics/index.js'
import type { RequestRecord } from '../../src/metrics/types.js'

interface ServerStamps {
  index: number
  receivedAtMs: number
  sentAtMs: number[]
}

const hrMs = (): number => Number(process.hrtime.bigint()) / 1e6
const gc = (globalThis as { gc?: () => void }).gc ?? ((): void => undefined)

/** hrtime − performance.now(), so server (hrtime) stamps map onto the client's clock. */
function clockOffsetMs(): number {
  const samples: number[] = []
  for (let i = 0; i < 201; i++) {
    const a = performance.now()
    const h = hrMs()
    const b = performance.now()
    samples.push(h - (a + b) / 2)
  }
  return percentileLinear(samples.sort((x, y) => x - y), 50)
}

// Node 20 does not carry tsx's loader into workers: register it in the worker, then load the server.
const serverUrl = new URL('./overhead-server.ts', import.meta.url).href
const worker = new Worker(`import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(serverUrl)}) })`, { eval: true })
const [listening] = (await once(worker, 'message')) as [{ port: number }]
const baseUrl = `http://127.0.0.1:${listening.port}`
const offsetMs = clockOffsetMs()

async function request<T>(message: object, type: string): Promise<T> {
  worker.postMessage(message)
  for (;;) {
    const [reply] = (await once(worker, 'message')) as [{ type: string } & T]
    if (reply.type === type) return reply
  }
}

interface PhaseResult {
  streams: number
  chunks: number
  failed: number
  ttftErrMs: number[]
  itlErrMs: number[]
  lagMs: number[]
  /** received − sent: request transit client write → server parse (part of the TTFT error). */
  transitMs: number[]
  /** |server gap − step|: how far the server itself was from its 10 ms schedule. */
  serverLateMs: number[]
  /** Chunks the server wrote per second (it shares the 2 cores with the client). */
  serverChunksPerS: number
  chunksPerS: number
  offeredPerS: number
  memoryPerStreamKb?: number
}

async function phase(streams: number, tokens: number, stepMs: number, options: { memoryAtMs?: number; eventsPerWrite?: number } = {}): Promise<PhaseResult> {
  await request({ type: 'config', stepMs, tokens, eventsPerWrite: options.eventsPerWrite ?? 1 }, 'ok')
  gc()
  const before = process.memoryUsage()
  let during: NodeJS.MemoryUsage | undefined
  const timer =
    options.memoryAtMs === undefined
      ? undefined
      : setTimeout(() => {
          gc()
          during = process.memoryUsage()
        }, options.memoryAtMs)
  const run = await runWorkload(
    { baseUrl, model: 'bench-model' },
    { name: `overhead-${streams}`, requests: streams, concurrency: streams, prompt: { tokens: 32 }, maxTokens: tokens, requestTimeoutS: 300, idleTimeoutS: 120 },
  )
  clearTimeout(timer)
  const { streams: stamps } = await request<{ streams: ServerStamps[] }>({ type: 'collect' }, 'stamps')
  const byIndex = new Map(stamps.map((s) => [s.index, s]))
  const result: PhaseResult = { streams, chunks: 0, failed: 0, ttftErrMs: [], itlErrMs: [], lagMs: [], transitMs: [], serverLateMs: [], serverChunksPerS: 0, chunksPerS: 0, offeredPerS: stepMs > 0 ? (streams * 1000) / stepMs : Infinity }
  let first = Infinity
  let last = -Infinity
  for (const r of run.records as RequestRecord[]) {
    const s = byIndex.get(r.index)
    if (r.failure !== undefined || s === undefined) {
      result.failed++
      continue
    }
    const c = r.contentChunkAtMs
    const sent = s.sentAtMs.map((t) => t - offsetMs)
    const received = s.receivedAtMs - offsetMs
    result.chunks += c.length
    first = Math.min(first, c[0]!)
    last = Math.max(last, c.at(-1)!)
    result.ttftErrMs.push(c[0]! - r.sentAtMs - (sent[0]! - received))
    result.transitMs.push(received - r.sentAtMs)
    for (let k = 0; k < c.length; k++) {
      result.lagMs.push(c[k]! - sent[k]!)
      if (k > 0) result.itlErrMs.push(c[k]! - c[k - 1]! - (sent[k]! - sent[k - 1]!))
    }
  }
  let serverFirst = Infinity
  let serverLast = -Infinity
  let serverChunks = 0
  for (const x of stamps) {
    serverChunks += x.sentAtMs.length
    serverFirst = Math.min(serverFirst, x.sentAtMs[0]!)
    serverLast = Math.max(serverLast, x.sentAtMs.at(-1)!)
    if (stepMs > 0) for (let k = 1; k < x.sentAtMs.length; k++) result.serverLateMs.push(Math.abs(x.sentAtMs[k]! - x.sentAtMs[k - 1]! - stepMs))
  }
  result.serverChunksPerS = serverLast > serverFirst ? (serverChunks * 1000) / (serverLast - serverFirst) : 0
  result.chunksPerS = last > first ? (result.chunks * 1000) / (last - first) : 0
  if (during !== undefined) {
    const grown = during.heapUsed + during.external - (before.heapUsed + before.external)
    result.memoryPerStreamKb = grown / streams / 1024
  }
  return result
}

const abs = (xs: number[]): number[] => xs.map(Math.abs).sort((a, b) => a - b)
const p = (xs: number[], q: number): number => percentileLinear(xs, q)
const f = (n: number, digits = 3): string => (Number.isFinite(n) ? n.toFixed(digits) : 'inf')

function print(r: PhaseResult, label: string): void {
  const t = abs(r.ttftErrMs)
  const i = abs(r.itlErrMs)
  const l = [...r.lagMs].sort((a, b) => a - b)
  const tr = [...r.transitMs].sort((a, b) => a - b)
  const sl = [...r.serverLateMs].sort((a, b) => a - b)
  console.log(
    `${label.padEnd(22)} streams=${String(r.streams).padStart(3)} chunks=${String(r.chunks).padStart(6)} failed=${r.failed} ` +
      `offered=${f(r.offeredPerS, 0)}/s got=${f(r.chunksPerS, 0)}/s | |ttft err| p50=${f(p(t, 50))} p99=${f(p(t, 99))} max=${f(t.at(-1) ?? 0)} ms ` +
      `| |itl err| p50=${f(p(i, 50))} p99=${f(p(i, 99))} max=${f(i.at(-1) ?? 0)} ms | lag p50=${f(p(l, 50))} p99=${f(p(l, 99))} ms` +
      ` | request transit p50=${f(p(tr, 50))} p99=${f(p(tr, 99))} ms | server: ${f(r.serverChunksPerS, 0)} chunks/s, off-schedule p99=${f(p(sl, 99))} ms`,
  )
}

console.log(`overhead benchmark: lockstep server in a worker thread, step 10 ms; node ${process.version}; gc ${gc.name === 'gc' ? 'exposed' : 'NOT exposed (run with --expose-gc)'}`)
await phase(64, 50, 10) // JIT warm-up, not reported
const one = await phase(1, 200, 10)
print(one, 'paced 1 stream')
const sixtyFour = await phase(64, 200, 10)
print(sixtyFour, 'paced 64 streams')
const big = await phase(512, 300, 10)
print(big, 'paced 512 streams')
const memory = await phase(512, 100, 10, { memoryAtMs: 600 })
console.log(`memory                 512 streams in flight: ${f(memory.memoryPerStreamKb ?? NaN, 1)} KB per stream (heapUsed+external growth after gc, includes the pool's socket and records)`)
const flatReads = await phase(128, 2000, 0)
print(flatReads, 'flat out, 1 event/write')
const flat = await phase(128, 4000, 0, { eventsPerWrite: 16 })
print(flat, 'flat out, 16 events/write')

await request({ type: 'stop' }, 'never').catch(() => undefined)
const ttftP99 = p(abs(big.ttftErrMs), 99)
const itlP99 = p(abs(big.itlErrMs), 99)
console.log(`overhead: ttft_err_p99_ms=${f(ttftP99)} itl_err_p99_ms=${f(itlP99)} streams=512 chunks_per_s=${f(Math.max(flat.chunksPerS, flatReads.chunksPerS), 0)} kb_per_stream=${f(memory.memoryPerStreamKb ?? NaN, 1)}`)
process.exit(0)
