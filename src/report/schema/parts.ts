/**
 * Zod building blocks shared by the results and baseline schemas. They mirror the TypeScript
 * interfaces of model.ts, metrics/types.ts and baseline.ts (schema-types.test.ts keeps them equal)
 * and are the source of the published JSON Schemas in schemas/.
 */
import * as z from 'zod'

/** A count of things: integer ≥ 0. */
export const count = z.int().min(0)
/** A measured figure: finite (JSON has no NaN or Infinity). */
export const figure = z.number()
/** Milliseconds, seconds, rates: finite and ≥ 0. */
export const nonNegative = z.number().min(0)

export const provenanceSchema = z.strictObject({
  tool: z.strictObject({ name: z.string(), version: z.string() }),
  date: z.string().min(1).describe('ISO date of the run'),
  git: z.strictObject({ commit: z.string().min(1), dirty: z.boolean(), branch: z.string().optional() }).optional(),
})

const targetFields = {
  kind: z.enum(['simulated', 'mlnode']),
  hardware: z.string().min(1).describe('Hardware profile id (simulated) or what the MLNode reported'),
  speed: z.number().positive().optional().describe('Simulator wall-clock speed-up (simulated only)'),
  transportMs: nonNegative.optional(),
}

/** TargetInfo without its URL: what a baseline keeps. */
export const baselineTargetSchema = z.strictObject(targetFields)
/** TargetInfo: the URL is kept with credentials removed. */
export const targetSchema = z.strictObject({ ...targetFields, url: z.string().optional() })

export const resolutionSchema = z.strictObject({
  latencyMs: nonNegative,
  rateShare: nonNegative,
  clientLoopDelayP99Ms: nonNegative,
  simLatenessP99Ms: nonNegative.optional(),
})

export const distributionSchema = z.strictObject({
  count,
  meanMs: figure,
  medianMs: figure,
  p90Ms: figure,
  p95Ms: figure,
  p99Ms: figure,
  minMs: figure,
  maxMs: figure,
  stdMs: figure,
  histogram: z.string().describe('hdr-histogram-js encodeIntoCompressedBase64 of the values in microseconds ("" when empty)'),
})

export const requestCountsSchema = z.strictObject({ total: count, completed: count, failed: count })

/** Metric ids whose figure is a latency distribution (histogram kept). */
export const DISTRIBUTION_METRICS = ['ttftMs', 'tpotMs', 'itlMs', 'e2elMs'] as const
/** Metric ids with one number per run. */
export const SCALAR_METRICS = ['failedRequests', 'requestsPerS', 'inputTokensPerS', 'outputTokensPerS', 'totalTokensPerS', 'goodputRequestsPerS'] as const
