/**
 * Zod building blocks shared by the results and baseline schemas. They mirror the TypeScript
 * interfaces of results.ts, records.ts and baseline.ts (schema-types.test.ts keeps them equal)
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
  kind: z
    .string()
    .regex(/^[a-z][a-z0-9-]*$/)
    .describe("'simulated' for simulated numbers, else the target kind that measured them: 'mlnode', 'openai', or another registered kind (src/run/targets/registry.ts)"),
  hardware: z.string().min(1).describe('Hardware profile id (simulated) or what the MLNode reported'),
  simulatedTime: z.boolean().optional().describe("Simulated only: the figures are the simulator's own stamps in simulated time (deterministic given the seed)"),
  noiseCv: nonNegative.optional().describe('Simulated only: step-time noise injected (coefficient of variation)'),
  seed: count.optional().describe("Simulated only: the simulator's seed"),
  runNoise: nonNegative.optional().describe('Simulated only: run-level noise injected (coefficient of variation of the per-GPU and per-replica factors drawn at each deploy)'),
  speed: z.number().positive().optional().describe('Results of older versions: the simulator wall-clock speed-up'),
  calibration: z.string().min(1).optional().describe('Simulated only: the calibration file (mlnode-bench calibrate) whose constants the simulator used'),
}

/** TargetInfo without its URL: what a baseline keeps. */
export const baselineTargetSchema = z.strictObject(targetFields)
/** TargetInfo: the URL is kept with credentials removed. */
export const targetSchema = z.strictObject({ ...targetFields, url: z.string().optional() })

export const resolutionSchema = z.strictObject({
  stamps: z.enum(['client', 'simulator']).optional(),
  latencyMs: nonNegative,
  rateShare: nonNegative,
  clientLoopDelayP99Ms: nonNegative,
  simLatenessP99Ms: nonNegative.optional(),
  loadWorkers: count.optional().describe('Worker threads that sent the requests and took the stamps; 0: the main thread'),
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
export const SCALAR_METRICS = ['failedRequests', 'requestsPerS', 'inputTokensPerS', 'outputTokensPerS', 'totalTokensPerS', 'goodputRequestsPerS', 'deployS', 'noncesPerMin', 'capacityAtSlo'] as const

/** A real MLNode's GPUs, driver, vLLM version and model revision (NodeEnvironment); shared with the baseline. */
export const nodeEnvironmentSchema = z.strictObject({ gpus: z.array(z.string()).optional(), driverVersion: z.string().optional(), cudaDriverVersion: z.string().optional(), vllmVersion: z.string().optional(), modelCommit: z.string().optional() })
