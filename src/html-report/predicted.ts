/**
 * Predicted figures of a measured result, "where known": when its hardware is one of our profiles
 * and its model is in the catalog, the performance model runs the workload the result measured —
 * the mean prompt and output tokens of its completed requests, its request count, and a closed
 * loop of concurrency (requests/s × mean E2EL, Little's law) — as `mlnode-bench predict` would.
 * Results bigger than a small budget of simulated events are not predicted (a report must be quick).
 */
import { parallelismOf, parseVllmArgs } from '../args/index.js'
import { summarize } from '../metrics/summarize.js'
import { simulateRequests } from '../sim/index.js'
import { getHardwareProfile, getModelSpec, instancesPerServer, planInstance, resolveEngineConfig } from '../model/index.js'
import type { BenchResult } from '../contracts/results.js'

/** Simulated token events one prediction may cost (≈ 0.3 s on a 2-core machine). */
const MAX_EVENTS = 300_000

export interface PredictedFigures {
  outputTokensPerS: number
  e2elMeanMs: number
  ttftMeanMs: number
}

const cache = new WeakMap<BenchResult, PredictedFigures | null>()

/** The prediction of `result`, or undefined when its hardware or model is unknown to the model or it is too big. */
export function predictResult(result: BenchResult): PredictedFigures | undefined {
  if (!cache.has(result)) cache.set(result, predictUncached(result) ?? null)
  return cache.get(result) ?? undefined
}

function predictUncached(result: BenchResult): PredictedFigures | undefined {
  const m = result.metrics
  if (!m || result.status !== 'passed' || m.requests.completed === 0) return undefined
  try {
    const hardware = getHardwareProfile(result.target.hardware)
    const model = getModelSpec(result.model)
    const parsed = parseVllmArgs(result.args)
    const { tp, pp } = parallelismOf(parsed)
    const engine = resolveEngineConfig(parsed.values, model, hardware, result.dtype && result.dtype !== 'auto' ? result.dtype : 'float16')
    engine.tp = tp
    engine.pp = pp
    const promptTokens = Math.max(1, Math.round(m.inputTokens / m.requests.completed))
    const outputTokens = Math.max(1, Math.round(m.outputTokens / m.requests.completed))
    const requests = m.requests.total
    if (requests * (outputTokens + Math.ceil(promptTokens / Math.max(1, engine.maxNumBatchedTokens))) > MAX_EVENTS) return undefined
    const concurrency = Math.max(1, Math.min(requests, Math.round(m.requestsPerS * (m.e2elMs.meanMs / 1000))))
    // What `mlnode-bench predict` runs: the simulator's engine on a virtual clock, then our summary.
    const records = simulateRequests({
      plan: planInstance(hardware, model, engine),
      instances: instancesPerServer(hardware, engine),
      requests: Array.from({ length: requests }, () => ({ promptTokens, outputTokens })),
      concurrency,
    })
    const p = summarize({ records })
    return { outputTokensPerS: p.outputTokensPerS, e2elMeanMs: p.e2elMs.meanMs, ttftMeanMs: p.ttftMs.meanMs }
  } catch {
    // Unknown hardware or model, args the model does not cover: nothing is known to compare.
    return undefined
  }
}
