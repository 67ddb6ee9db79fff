/** Schema of benchmarks/baseline.json (BaselineFile), in two parts so each entry is checked on its own. */
import * as z from 'zod'
import { baselineTargetSchema, count, nodeEnvironmentSchema, DISTRIBUTION_METRICS, distributionSchema, figure, nonNegative, provenanceSchema, requestCountsSchema, resolutionSchema, SCALAR_METRICS } from './parts.js'

const distributionMetric = z.strictObject({ value: figure.describe('The median, ms'), distribution: distributionSchema })
const scalarMetric = z.strictObject({ value: figure })
const capacityMetric = z.strictObject({ value: figure, unit: z.enum(['req/s', 'concurrency']).optional().describe('The load the sweep varied') })
const metricNumbers = z.strictObject(Object.fromEntries([...DISTRIBUTION_METRICS, ...SCALAR_METRICS].map((id) => [id, nonNegative.optional()])) as Record<(typeof DISTRIBUTION_METRICS)[number] | (typeof SCALAR_METRICS)[number], z.ZodOptional<typeof nonNegative>>)

/** One model › variant › workload: a bad entry disables only itself. */
export const baselineEntrySchema = z.strictObject({
  target: baselineTargetSchema,
  file: z.string(),
  args: z.array(z.string()),
  requests: requestCountsSchema,
  durationS: nonNegative,
  metrics: z.strictObject({
    ...Object.fromEntries(DISTRIBUTION_METRICS.map((id) => [id, distributionMetric.optional()])),
    ...Object.fromEntries(SCALAR_METRICS.map((id) => [id, (id === 'capacityAtSlo' ? capacityMetric : scalarMetric).optional()])),
  } as Record<(typeof DISTRIBUTION_METRICS)[number], z.ZodOptional<typeof distributionMetric>> & Record<(typeof SCALAR_METRICS)[number], z.ZodOptional<typeof scalarMetric>>),
  resolution: resolutionSchema.optional(),
  environment: nodeEnvironmentSchema.optional().describe("A real MLNode's GPUs, driver, vLLM version and model revision: a change of any is a changed target, not judged"),
  history: z
    .strictObject({
      ...Object.fromEntries([...DISTRIBUTION_METRICS, ...SCALAR_METRICS].map((id) => [id, z.array(figure).optional()])),
    } as Record<(typeof DISTRIBUTION_METRICS)[number] | (typeof SCALAR_METRICS)[number], z.ZodOptional<z.ZodArray<typeof figure>>>)
    .optional()
    .describe('Figures of the last runs accepted on the same setup, oldest first: run-to-run noise'),
  repeats: z
    .strictObject({
      count: count.min(2),
      redeployed: z.boolean(),
      spread: metricNumbers.describe('Per metric: sample standard deviation of the repeats / their median'),
      tolerance: metricNumbers.describe('Per metric: the relative tolerance the spread gives (src/report/repeat-tolerance.ts)'),
    })
    .optional()
    .describe('The repeats the accepted result folded, and the tolerances their spread gives'),
})

const envelope = <E extends z.ZodType>(entry: E) =>
  z.strictObject({
    schemaVersion: z.literal(1),
    kind: z.literal('mlnode-bench-baseline'),
    provenance: provenanceSchema,
    results: z.record(z.string(), z.record(z.string(), z.record(z.string(), entry))).describe('results[model][variant][workload]'),
  })

/** The file without looking into entries: what must hold for any of it to be used. */
export const baselineEnvelopeSchema = envelope(z.unknown())
/** The whole file: what is published as schemas/baseline.schema.json. */
export const baselineFileSchema = envelope(baselineEntrySchema).meta({
  title: 'mlnode-bench baseline',
  description: 'The accepted figures per model › variant › workload › metric, with HDR histograms of latencies (benchmarks/baseline.json).',
})
