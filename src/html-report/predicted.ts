/**
 * Predicted figures of a measured result, "where known": the prediction the run kept with it (real
 * MLNode runs of catalogued GPUs, BenchResult.prediction); else, when its hardware is one of our profiles
 * and its model is in the catalog, the performance model runs the workload the result measured —
 * the mean prompt and output tokens of its completed requests, its request count, and a closed
 * loop of concurrency (requests/s × mean E2EL, Little's law) — as `mlnode-bench predict` would.
 * Results bigger than a small budget of simulated events are not predicted (a report must be quick).
 */
import { parseVllmArgs } from '../args/index.js'
import { getHardwareProfile, getModelSpec, instancesPerServer, modelInstance, resolveEngineConfig } from '../model/index.js'
import { predictWorkloads } from '../planner/predict-core.js'
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
  const kept = result.prediction?.figures
  if (kept?.output_tokens_per_s !== undefined && kept.e2el_mean_ms !== undefined && kept.ttft_mean_ms !== undefined) {
    return { outputTokensPerS: kept.output_tokens_per_s, e2elMeanMs: kept.e2el_mean_ms, ttftMeanMs: kept.ttft_mean_ms }
  }
  const m = result.metrics
  if (!m || result.status !== 'passed' || m.requests.completed === 0) return undefined
  try {
    const hardware = getHardwareProfile(result.target.hardware)
    const model = getModelSpec(result.model)
    const engine = resolveEngineConfig(parseVllmArgs(result.args).values, model, hardware, result.dtype ?? 'auto')
    const promptTokens = Math.max(1, Math.round(m.inputTokens / m.requests.completed))
    const outputTokens = Math.max(1, Math.round(m.outputTokens / m.requests.completed))
    const requests = m.requests.total
    if (requests * (outputTokens + Math.ceil(promptTokens / Math.max(1, engine.maxNumBatchedTokens))) > MAX_EVENTS) return undefined
    const concurrency = Math.max(1, Math.min(requests, Math.round(m.requestsPerS * (m.e2elMs.meanMs / 1000))))
    // What `mlnode-bench predict` runs: the simulator's engine on a virtual clock, then our summary.
    const [p] = predictWorkloads({
      plan: modelInstance(hardware, model, engine),
      instances: instancesPerServer(hardware, engine),
      workloads: [{ name: result.workload, requests: Array.from({ length: requests }, () => ({ promptTokens, outputTokens })), concurrency }],
    })
    return { outputTokensPerS: p!.figures.output_tokens_per_s, e2elMeanMs: p!.figures.e2el_mean_ms, ttftMeanMs: p!.figures.ttft_mean_ms }
  } catch {
    // Unknown hardware or model, args the model does not cover: nothing is known to compare.
    return undefined
  }
}
