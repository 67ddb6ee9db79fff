/**
 * A simulator paced K times faster than real time produces every interval K times shorter, so
 * simulated time = measured time x K (the simulator's own documentation gives the error bound).
 * Scaling every timestamp of a run by K scales every interval by K and every rate by 1/K.
 */
import type { RequestRecord } from '../metrics/types.js'

export function toSimulatedTime(records: readonly RequestRecord[], speed: number): RequestRecord[] {
  if (speed === 1) return [...records]
  const s = (ms: number) => ms * speed
  return records.map((r) => ({
    ...r,
    scheduledAtMs: s(r.scheduledAtMs),
    sentAtMs: s(r.sentAtMs),
    ...(r.firstByteAtMs === undefined ? {} : { firstByteAtMs: s(r.firstByteAtMs) }),
    ...(r.firstChunkAtMs === undefined ? {} : { firstChunkAtMs: s(r.firstChunkAtMs) }),
    contentChunkAtMs: r.contentChunkAtMs.map(s),
    endAtMs: s(r.endAtMs),
  }))
}
