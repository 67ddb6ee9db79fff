/** Schema of results.json (RunResults): every BenchResult of a run, merged across shards. */
import * as z from 'zod'
import { nodeEnvironmentSchema } from './parts.js'
import { count, DISTRIBUTION_METRICS, distributionSchema, figure, nonNegative, provenanceSchema, resolutionSchema, SCALAR_METRICS, targetSchema } from './parts.js'

const FAILURE_REASONS = ['http_status', 'stream_error', 'connection', 'timeout_total', 'timeout_idle', 'bad_response', 'aborted'] as const

const compressaSchema = z.strictObject({
  TTFT: figure,
  LATENCY: figure,
  TPOT: figure,
  THROUGHPUT_INPUT_TOKENS: figure,
  THROUGHPUT_OUTPUT_TOKENS: figure,
  RPS: figure,
  TTFT_95: figure,
  LATENCY_95: figure,
  FAILED_REQUESTS: figure,
  // Absent in results of older versions.
  THROUGHPUT: figure.optional(),
  TOP_5_TTFT: figure.optional(),
  TOP_5_LATENCY: figure.optional(),
  LONGER_THAN_60_LATENCY: figure.optional(),
  LONGER_THAN_120_LATENCY: figure.optional(),
  LONGER_THAN_180_LATENCY: figure.optional(),
  FAILED_REQUESTS_PER_HOUR: figure.optional(),
})

export const workloadMetricsSchema = z.strictObject({
  requests: z.strictObject({ total: count, completed: count, failed: count, failuresByReason: z.partialRecord(z.enum(FAILURE_REASONS), count) }),
  durationS: nonNegative,
  ttftMs: distributionSchema,
  tpotMs: distributionSchema,
  itlMs: distributionSchema,
  e2elMs: distributionSchema,
  queueWaitMs: distributionSchema,
  inputTokens: count,
  outputTokens: count,
  tokensEstimated: z.boolean(),
  requestsPerS: nonNegative,
  inputTokensPerS: nonNegative,
  outputTokensPerS: nonNegative,
  totalTokensPerS: nonNegative,
  goodputRequestsPerS: nonNegative.optional(),
  slo: z.strictObject({ ttftMs: nonNegative.optional(), tpotMs: nonNegative.optional(), e2elMs: nonNegative.optional() }).optional(),
  compressa: compressaSchema,
})

const pocSchema = z.strictObject({
  noncesPerMin: nonNegative,
  noncesPerMinPerGpu: nonNegative,
  gpus: count,
  nonces: count,
  durationS: nonNegative,
  firstArtifactS: nonNegative,
  callbacks: count,
  seqLen: count,
  batchSize: count.optional(),
  kDim: count,
  backends: z.array(z.strictObject({ group: count, nonces: count, noncesPerMin: nonNegative })),
})

const sloFigures = z.strictObject({ ttftMs: nonNegative.optional(), tpotMs: nonNegative.optional(), e2elMs: nonNegative.optional() })
const sweepUnit = z.enum(['req/s', 'concurrency'])
const sweepSchema = z.strictObject({
  over: z.enum(['rate', 'concurrency']),
  unit: sweepUnit,
  search: z.boolean().optional(),
  slo: sloFigures,
  attainment: z.number().min(0).max(1),
  steps: z.array(
    z.strictObject({
      load: nonNegative,
      state: z.enum(['passed', 'failed', 'skipped']),
      goodShare: z.number().min(0).max(1).optional(),
      metrics: workloadMetricsSchema.optional(),
      wallS: nonNegative.optional(),
    }),
  ),
  capacityAtSlo: z.strictObject({ value: nonNegative, bracket: z.tuple([nonNegative.nullable(), nonNegative.nullable()]), unit: sweepUnit }),
  stopped: z.strictObject({ reason: z.enum(['slo-broken', 'budget']), afterLoad: nonNegative }).optional(),
})

const layoutSchema = z.strictObject({ gpuCount: count, gpusPerInstance: count, instances: count, idleGpus: count, tp: count, pp: count })

const failureSchema = z.strictObject({
  kind: z.enum(['guard', 'deploy', 'workload', 'regression', 'internal', 'validation']),
  message: z.string(),
  code: z.string().optional(),
  log: z.array(z.string()).optional(),
})

const similarity = z.number().min(0).max(1)
const validationSchema = z.strictObject({
  mode: z.enum(['enforced-tokens', 'exact-tokens']),
  modeReason: z.string().optional(),
  reference: z.string(),
  threshold: similarity,
  thresholdSource: z.string(),
  probes: count,
  compared: count,
  minSimilarity: similarity,
  medianSimilarity: similarity,
  belowThresholdShare: similarity,
  passed: z.boolean(),
  firstDifference: z.strictObject({ probe: z.string(), position: count, referenceToken: z.string(), variantToken: z.string() }).optional(),
  worstProbe: z.string().optional(),
  poc: z.strictObject({ nonces: count, mismatches: count, pValue: nonNegative, passed: z.boolean(), seqLen: count, statTest: z.string() }).optional(),
  pocSkipped: z.string().optional(),
})

/** One model › variant › workload of a run. */
const runStampFields = {
  id: z.string(),
  date: z.string(),
  git: z.strictObject({ commit: z.string().min(1), dirty: z.boolean(), branch: z.string().optional() }).optional(),
}
const runStampSchema = z.strictObject(runStampFields)

export const benchResultSchema = z.strictObject({
  model: z.string(),
  variant: z.string(),
  workload: z.string(),
  file: z.string(),
  status: z.enum(['passed', 'failed', 'skipped']),
  failure: failureSchema.optional(),
  target: targetSchema,
  args: z.array(z.string()),
  layout: layoutSchema.optional(),
  metrics: workloadMetricsSchema.optional(),
  wallS: nonNegative.optional(),
  dtype: z.string().optional(),
  deployS: nonNegative.optional(),
  deployStart: z.enum(['cold', 'warm']).optional(),
  instanceCap: count.optional(),
  resolution: resolutionSchema.optional(),
  notes: z.array(z.string()).optional().describe("Warnings about this bench's deploy, e.g. the performance model's \"may not start\""),
  prediction: z.strictObject({ hardware: z.string(), calibrated: z.boolean(), figures: z.record(z.string(), z.number()) }).optional().describe("The performance model's prediction for this bench on the target's hardware"),
  serverTelemetry: z
    .strictObject({
      sources: count,
      samples: count,
      intervalS: nonNegative,
      kvCacheUsagePeak: nonNegative.optional(),
      kvCacheUsageMean: nonNegative.optional(),
      runningMean: nonNegative.optional(),
      waitingMean: nonNegative.optional(),
      waitingPeak: nonNegative.optional(),
      preemptions: nonNegative.optional(),
      promptTokens: nonNegative.optional(),
      generationTokens: nonNegative.optional(),
      prefixCacheHitRate: nonNegative.optional(),
      specDecodeAcceptanceRate: nonNegative.optional(),
      metricNames: z.record(z.string(), z.string()),
      unavailable: z.array(z.string()),
      series: z.array(z.strictObject({ tS: nonNegative, kvCacheUsage: nonNegative.optional(), running: nonNegative.optional(), waiting: nonNegative.optional() })),
    })
    .optional()
    .describe("What vLLM's /metrics pages said while the workload ran: sampled gauges, counter increases"),
  gpuTelemetry: z
    .strictObject({
      samples: count,
      intervalS: nonNegative,
      gpus: z.array(
        z.strictObject({
          index: count,
          name: z.string().optional(),
          utilizationMean: nonNegative.optional(),
          utilizationPeak: nonNegative.optional(),
          memoryUsedPeakMb: nonNegative.optional(),
          memoryTotalMb: nonNegative.optional(),
          temperaturePeakC: z.number().optional(),
          powerMeanW: nonNegative.optional(),
        }),
      ),
      stages: z.array(z.strictObject({ replica: count, stage: count, gpus: z.array(count), utilizationMean: nonNegative })),
      memoryHeadroomMb: nonNegative.optional(),
      powerMeanW: nonNegative.optional(),
      energyJ: nonNegative.optional(),
      outputTokensPerJoule: nonNegative.optional(),
      sources: z.array(z.string()),
      unavailable: z.array(z.string()),
    })
    .optional()
    .describe("What the variant's GPUs did while the workload ran: MLNode's GPU route, and power from the suite's powerCommand"),
  vllmStartup: z
    .strictObject({
      kvCacheTokens: nonNegative.optional(),
      maxConcurrency: nonNegative.optional(),
      maxConcurrencyAtTokens: nonNegative.optional(),
      availableKvCacheGiB: z.number().optional(),
      modelLoadingGiB: nonNegative.optional(),
      cudaGraphGiB: z.number().optional(),
      cudaGraphEstimateGiB: nonNegative.optional(),
      lines: z.array(z.string()),
      predicted: z.strictObject({ kvCacheTokens: nonNegative, maxConcurrency: nonNegative, maxModelLen: nonNegative, kvCacheGiBPerGpu: nonNegative, weightsGiBPerGpu: nonNegative }).optional(),
      unavailable: z.array(z.string()),
    })
    .optional()
    .describe("vLLM's start-up lines (KV cache size, maximum concurrency, CUDA-graph memory) read with the suite's logCommand, beside the model's prediction"),
  environment: nodeEnvironmentSchema
    .optional()
    .describe("A real MLNode's GPUs, driver, vLLM version and model revision, as far as it tells"),
  sweep: sweepSchema.optional().describe('A sweep workload: the curve of its load steps and the capacity at SLO with its bracket (docs/metrics.md)'),
  poc: pocSchema.optional().describe('A PoC workload: nonces per minute and how they arrived (docs/poc.md)'),
  run: runStampSchema.optional().describe('results.json only: the run that measured this result'),
  bench: z.strictObject({ project: z.string(), file: z.string(), name: z.string() }).optional().describe('results.json only: the vitest bench behind this result'),
  networkModel: z
    .strictObject({ id: z.string(), registry: z.enum(['snapshot', 'live']), chainVersion: z.string().optional(), file: z.string().optional(), url: z.string().optional() })
    .optional()
    .describe('networkModel suites: the chain entry (snapshot or live) that fixed the model and its mandatory args'),
  validation: validationSchema.optional().describe("The network's inference validation of this variant (its validation bench)"),
  repeats: z
    .strictObject({
      count: count.min(2),
      redeployed: z.boolean(),
      figures: z.strictObject(Object.fromEntries([...DISTRIBUTION_METRICS, ...SCALAR_METRICS].map((id) => [id, z.array(figure).optional()])) as Record<(typeof DISTRIBUTION_METRICS)[number] | (typeof SCALAR_METRICS)[number], z.ZodOptional<z.ZodArray<typeof figure>>>),
    })
    .optional()
    .describe('The workload was measured several times in this run (suite option repeats): each judged figure as every repeat measured it; the result holds their median'),
})

/** The whole file: what is published as schemas/results.schema.json. */
export const runResultsSchema = z
  .strictObject({
    schemaVersion: z.literal(1),
    provenance: provenanceSchema,
    run: z.strictObject({ ...runStampFields, state: z.enum(['running', 'complete', 'interrupted']), endedAt: z.string().optional() }).optional().describe("The run that last wrote the file; only 'complete' is a finished run"),
    results: z.array(benchResultSchema),
    baseline: z
      .strictObject({
        file: z.string(),
        state: z.enum(['found', 'missing', 'corrupt']),
        required: z.boolean(),
        error: z.strictObject({ code: z.string(), message: z.string() }).optional(),
        invalid: z.array(z.strictObject({ model: z.string(), variant: z.string(), workload: z.string(), at: z.string(), problems: z.array(z.string()), message: z.string() })),
      })
      .optional()
      .describe('How far the baseline could gate this run: a corrupt or missing file, and the entries that were not compared'),
  })
  .meta({ title: 'mlnode-bench results', description: 'Every result of one bench run or of merged shards (.mlnode-bench/results.json).' })
