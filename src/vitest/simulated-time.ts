/**
 * Mapping times measured against a simulator paced K times faster than real time back to
 * simulated time. The simulator's intervals are K times shorter, but the transport (loopback
 * round trip, client parsing: ε ≈ 0.1–2 ms) is not: a plain `× K` would multiply ε too, an error
 * of (K−1)·ε, i.e. ~9 % of a 100 ms TTFT at K = 10 with ε = 1 ms (src/sim speed-accuracy test).
 * So within each request, the first ε after sending is kept as is (a real server's client pays it
 * too) and only the rest is scaled:  t' = K·sent + min(t − sent, ε) + K·max(0, t − sent − ε).
 * Request start times (the schedule) scale by K, so throughputs divide by K.
 */
import type { RequestRecord } from '../metrics/types.js'

export function toSimulatedTime(records: readonly RequestRecord[], speed: number, transportMs = 0): RequestRecord[] {
  if (speed === 1) return [...records]
  return records.map((r) => {
    const at = (t: number) => speed * r.sentAtMs + Math.min(t - r.sentAtMs, transportMs) + speed * Math.max(0, t - r.sentAtMs - transportMs)
    return {
      ...r,
      scheduledAtMs: r.scheduledAtMs * speed,
      sentAtMs: r.sentAtMs * speed,
      ...(r.dispatchedAtMs === undefined ? {} : { dispatchedAtMs: r.dispatchedAtMs * speed }),
      ...(r.firstByteAtMs === undefined ? {} : { firstByteAtMs: at(r.firstByteAtMs) }),
      ...(r.firstChunkAtMs === undefined ? {} : { firstChunkAtMs: at(r.firstChunkAtMs) }),
      contentChunkAtMs: r.contentChunkAtMs.map(at),
      endAtMs: at(r.endAtMs),
    }
  })
}

/** Run boundaries on the simulated clock (the first dispatch and last completion scale by K). */
export const toSimulatedMs = (ms: number, speed: number): number => ms * speed
