/**
 * The overhead benchmark's core measurement (overhead.ts): each client stamp against the server's
 * write of the same chunk, on the common clock (definitions in overhead.ts's header).
 */
import { printBurstSample } from './overhead-burst-sample.js'
import type { ServerPhase } from './overhead-protocol.js'
import { f, type PhaseResult } from './overhead-report.js'

interface ClientRecord {
  index: number
  sentAtMs: number
  contentChunkAtMs: number[]
  failure?: unknown
}

/**
 * Adds every stream's TTFT/ITL errors, lags, send-stamp errors, early stamps, start-up burst and
 * the server's lateness to `result`; returns the first and last chunk stamps (the phase's span).
 */
export function compareWithServer(result: PhaseResult, records: readonly ClientRecord[], written: Map<number, number>, server: ServerPhase, toClientMs: (epoch: number) => number, stepMs: number): { first: number; last: number } {
  const byIndex = new Map(server.streams.map((s) => [s.index, s]))
  const firstWriteMs = Math.min(...written.values())
  const burstMax = (key: keyof PhaseResult['burst'], atMs: number): void => {
    result.burst[key] = Math.max(result.burst[key], atMs - firstWriteMs)
  }
  let first = Infinity
  let last = -Infinity
  if (process.env.OVERHEAD_DEBUG_BURST === '1') printBurstSample(records, written, byIndex, firstWriteMs, toClientMs)
  for (const r of records) {
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
    burstMax('lastWrittenMs', w)
    burstMax('lastDispatchedMs', (r as { dispatchedAtMs?: number }).dispatchedAtMs ?? r.sentAtMs)
    burstMax('lastReceivedMs', toClientMs(s.receivedAtMs))
    burstMax('lastFirstChunkWrittenMs', sk[0]!)
    burstMax('lastFirstChunkStampedMs', c[0]!)
    for (let k = 0; k < c.length; k++) {
      // 10 µs of tolerance for the measured clock skew's own error (~1 µs).
      const early = c[k]! - toClientMs(s.writeStartMs[k]!)
      if (early < -0.01) {
        if (process.env.OVERHEAD_DEBUG_EARLY === '1') console.log(`early stamp: stream ${r.index} chunk ${k} by ${f(-early)} ms; chunk stamps ${c.slice(Math.max(0, k - 2), k + 3).map((x) => f(x - c[k]!)).join(',')} server writes ${sk.slice(Math.max(0, k - 2), k + 3).map((x) => f(x - c[k]!)).join(',')}`)
        result.earlyStamps++
        result.earliestMs = Math.min(result.earliestMs, early)
      }
      result.lagMs.push(c[k]! - sk[k]!)
      if (k > 0) result.itlErrMs.push(c[k]! - c[k - 1]! - (sk[k]! - sk[k - 1]!))
    }
  }
  for (const x of server.streams)
    for (let k = 0; k < x.writtenAtMs.length; k++) {
      if (stepMs > 0) result.serverLateMs.push(x.writtenAtMs[k]! - x.dueAtMs[k]!)
      result.serverWriteMs.push(x.writtenAtMs[k]! - x.writeStartMs[k]!)
    }
  return { first, last }
}
