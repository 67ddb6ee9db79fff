/**
 * What one phase of the overhead benchmark (overhead.ts) measured, and how it is printed: a line
 * per phase, the start-up burst, and the summary table.
 */
import { availableParallelism } from 'node:os'
import { percentileLinear } from '../../src/metrics/index.js'
import type { WorkerLoopDelay } from '../../src/load/index.js'

const cores = availableParallelism()

export interface PhaseResult {
  label: string
  streams: number
  chunks: number
  failed: number
  ttftErrMs: number[]
  itlErrMs: number[]
  lagMs: number[]
  /** Client stamps earlier than the server's write BEGAN (impossible if stamping is right), and by how much at most, ms. */
  earlyStamps: number
  earliestMs: number
  /** written − sentAtMs: how early the engine's send stamp is. */
  sendErrMs: number[]
  /** Server write − when its step was due. */
  serverLateMs: number[]
  /** How long the server's socket.write took between its two stamps: the uncertainty of the truth. */
  serverWriteMs: number[]
  chunksPerS: number
  offeredPerS: number
  clientCpuPct: number
  /** Kernel part of clientCpuPct. */
  clientSysPct: number
  serverCpuPct: number
  clientLoopP99Ms: number
  /** Share of the phase the client's event loop was busy (not waiting in epoll), %. */
  clientLoopBusyPct: number
  /** Client process CPU per chunk received, µs. */
  clientCpuPerChunkUs: number
  clientLoopMaxMs: number
  serverLoopP99Ms: number
  loadAvg1: number
  /** Main thread runnable but waiting for a CPU, % of the phase (client / server). */
  clientRunQueuePct: number
  serverRunQueuePct: number
  /** Cores busy on the whole machine during the phase, and how many of them were neither our client nor our server. */
  machineBusyCores: number
  otherCores: number
  memoryPerStreamKb?: number
  /** Heap + external bytes of the main thread and the run's worker threads with every stream in flight. */
  memoryInFlightBytes?: number
  /** Load worker threads of the engine (0: the main thread) and the worst event-loop delay one saw. */
  workers: number
  workerLoopDelay?: WorkerLoopDelay
  /** Start-up burst, ms after the first request write: last request handed to undici, last written, last received by the server, last first chunk written / stamped. */
  burst: { lastDispatchedMs: number; lastWrittenMs: number; lastReceivedMs: number; lastFirstChunkWrittenMs: number; lastFirstChunkStampedMs: number }
}

export const sorted = (xs: number[]): number[] => [...xs].sort((a, b) => a - b)
export const abs = (xs: number[]): number[] => xs.map(Math.abs).sort((a, b) => a - b)
export const p = (xs: number[], q: number): number => (xs.length === 0 ? NaN : percentileLinear(xs, q))
export const f = (n: number, digits = 3): string => (Number.isFinite(n) ? n.toFixed(digits) : String(n))
const dist = (xs: number[]): string => `${f(p(xs, 50))}/${f(p(xs, 99))}/${f(xs.at(-1) ?? NaN)}`

export function print(r: PhaseResult): void {
  console.log(
    `${r.label.padEnd(26)} streams=${String(r.streams).padStart(3)} chunks=${r.chunks} failed=${r.failed} offered=${f(r.offeredPerS, 0)}/s got=${f(r.chunksPerS, 0)}/s` +
      ` | client |ttft err| ${dist(abs(r.ttftErrMs))} |itl err| ${dist(abs(r.itlErrMs))} lag ${dist(sorted(r.lagMs))} (min ${f(sorted(r.lagMs)[0] ?? NaN)}; stamps before the server's write began: ${r.earlyStamps}${r.earlyStamps > 0 ? `, by up to ${f(-r.earliestMs)} ms` : ''}) send-stamp err ${dist(sorted(r.sendErrMs))} ms (p50/p99/max)` +
      ` | server late ${dist(sorted(r.serverLateMs))} ms, write call ${dist(sorted(r.serverWriteMs))} ms | cpu client ${f(r.clientCpuPct, 0)}% (sys ${f(r.clientSysPct, 0)}%) server ${f(r.serverCpuPct, 0)}%` +
      ` | client loop busy ${f(r.clientLoopBusyPct, 0)}%, ${f(r.clientCpuPerChunkUs, 1)} µs CPU/chunk | loop delay client p99 ${f(r.clientLoopP99Ms, 1)} max ${f(r.clientLoopMaxMs, 1)} server p99 ${f(r.serverLoopP99Ms, 1)} ms` +
      ` | run-queue wait client ${f(r.clientRunQueuePct, 0)}% server ${f(r.serverRunQueuePct, 0)}% | machine ${f(r.machineBusyCores, 2)}/${cores} cores busy, others ${f(r.otherCores, 2)} | loadavg ${f(r.loadAvg1, 2)}`,
  )
}

export function printBurst(r: PhaseResult): void {
  const b = r.burst
  console.log(
    `start-up burst (${r.streams} streams), ms after the first request write: last request handed to undici ${f(b.lastDispatchedMs, 1)}, last written ${f(b.lastWrittenMs, 1)}, ` +
      `last received by the server ${f(b.lastReceivedMs, 1)}, last first chunk written ${f(b.lastFirstChunkWrittenMs, 1)}, stamped by the client ${f(b.lastFirstChunkStampedMs, 1)}`,
  )
}

export function table(rows: PhaseResult[]): void {
  const head = ['phase', 'streams', 'ttft err p99', 'itl err p99', 'itl err p50', 'lag p99', 'server late p99', 'chunks/s got/offered', 'client cpu', 'client CPU/chunk', 'client loop busy', 'client loop delay p99', 'server cpu', 'client run-queue wait', 'other processes']
  console.log(`| ${head.join(' | ')} |`)
  console.log(`|${head.map(() => '---').join('|')}|`)
  for (const r of rows) {
    const cells = [
      r.label,
      String(r.streams),
      `${f(p(abs(r.ttftErrMs), 99))} ms`,
      `${f(p(abs(r.itlErrMs), 99))} ms`,
      `${f(p(abs(r.itlErrMs), 50))} ms`,
      `${f(p(sorted(r.lagMs), 99))} ms`,
      `${f(p(sorted(r.serverLateMs), 99))} ms`,
      `${f(r.chunksPerS, 0)}/${f(r.offeredPerS, 0)}`,
      `${f(r.clientCpuPct, 0)}%`,
      `${f(r.clientCpuPerChunkUs, 1)} µs`,
      `${f(r.clientLoopBusyPct, 0)}%`,
      `${f(r.clientLoopP99Ms, 1)} ms`,
      `${f(r.serverCpuPct, 0)}%`,
      `${f(r.clientRunQueuePct, 0)}%`,
      `${f(r.otherCores, 2)} cores`,
    ]
    console.log(`| ${cells.join(' | ')} |`)
  }
}
