/**
 * OVERHEAD_DEBUG_BURST=1 in the overhead benchmark (overhead.ts): every ~20th request of a phase's
 * start-up burst, in the order they were handed to undici, in ms after the first request write:
 * handed over, sent (the engine's stamp), written (ground truth), received by the server, first
 * chunk written by the server, first chunk stamped by the client. Where a wave waits shows here.
 */
import type { ServerPhase } from './overhead-protocol.js'

const f = (n: number): string => (Number.isFinite(n) ? n.toFixed(2) : String(n))

export function printBurstSample(
  records: ReadonlyArray<{ index: number; sentAtMs: number; contentChunkAtMs: number[] }>,
  written: Map<number, number>,
  byIndex: Map<number, ServerPhase['streams'][number]>,
  firstWriteMs: number,
  toClientMs: (epochMs: number) => number,
): void {
  const rows = records
    .map((r) => {
      const s = byIndex.get(r.index)
      return {
        handed: ((r as { dispatchedAtMs?: number }).dispatchedAtMs ?? r.sentAtMs) - firstWriteMs,
        sent: r.sentAtMs - firstWriteMs,
        written: (written.get(r.index) ?? NaN) - firstWriteMs,
        received: toClientMs(s?.receivedAtMs ?? NaN) - firstWriteMs,
        firstChunkWritten: toClientMs(s?.writtenAtMs[0] ?? NaN) - firstWriteMs,
        stamped: (r.contentChunkAtMs[0] ?? NaN) - firstWriteMs,
      }
    })
    .sort((a, b) => a.handed - b.handed)
  for (let i = 0; i < rows.length; i += Math.max(1, Math.floor(rows.length / 24))) {
    const x = rows[i]!
    console.log(`  #${i} handed to undici ${f(x.handed)} sent ${f(x.sent)} written ${f(x.written)} received ${f(x.received)} first chunk written ${f(x.firstChunkWritten)} stamped ${f(x.stamped)}`)
  }
}
