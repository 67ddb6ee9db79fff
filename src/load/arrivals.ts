/**
 * Open-loop arrival schedule, as vLLM `bench serve` draws it (benchmarks/benchmark_serving.py
 * `get_request`): the first request at 0, then gamma inter-arrival times with shape = burstiness
 * and scale θ = 1 / (rate · burstiness), so the mean gap is 1/rate (burstiness 1 = Poisson).
 * rate = Infinity sends everything at 0.
 */
import { createRng, sampleGamma } from './random.js'

/** Arrival offsets in ms from the start, one per request, non-decreasing. */
export function arrivalOffsetsMs(count: number, ratePerS: number, burstiness = 1, seed: number | string = 0): number[] {
  const offsets = new Array<number>(count).fill(0)
  if (!Number.isFinite(ratePerS)) return offsets
  const rng = createRng('arrivals', seed)
  const thetaS = 1 / (ratePerS * burstiness)
  let atMs = 0
  for (let i = 1; i < count; i++) {
    atMs += sampleGamma(rng, burstiness, thetaS) * 1000
    offsets[i] = atMs
  }
  return offsets
}
