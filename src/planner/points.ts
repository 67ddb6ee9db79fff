/**
 * Measured points for `calibrate`: a points YAML (the tables compressa-perf users already keep)
 * or the passed results of a results.json measured on a real box.
 */
import { readTextFile } from '../text/read-text-file.js'
import { parse } from 'yaml'
import { z } from 'zod'
import { MlnodeBenchError } from '../errors.js'
import type { RunResults } from '../contracts/results.js'
import type { MeasuredPoint } from './fit.js'

const positive = z.number().positive()
const measuredSchema = z
  .object({
    ttft_mean_ms: positive,
    ttft_p99_ms: positive,
    tpot_mean_ms: positive,
    itl_p99_ms: positive,
    e2el_mean_ms: positive,
    input_tokens_per_s: positive,
    output_tokens_per_s: positive,
    request_per_s: positive,
  })
  .partial()
  .strict()
  .refine((m) => Object.keys(m).length > 0, { message: 'name at least one measured figure (any predict --json key)' })

const pointsFileSchema = z
  .object({
    hardware: z.string().min(1),
    model: z.string().min(1),
    dtype: z.string().min(1).optional(),
    /** Where the points come from (URL, repository + path) and anything assumed about them. */
    source: z.string().min(1).optional(),
    note: z.string().min(1).optional(),
    points: z
      .array(
        z
          .object({
            args: z.string(),
            workload: z
              .object({
                prompt_tokens: z.number().int().positive(),
                max_tokens: z.number().int().positive(),
                requests: z.number().int().positive(),
                concurrency: z.number().int().positive().optional(),
                request_rate: positive.optional(),
                burstiness: positive.optional(),
              })
              .strict(),
            measured: measuredSchema,
            source: z.string().min(1).optional(),
            /** Details of the measurement; a workload detail that was not published starts with "assumed:". */
            note: z.string().min(1).optional(),
          })
          .strict(),
      )
      .min(1),
  })
  .strict()

export interface PointsFile {
  hardware: string
  model: string
  dtype?: string
  source?: string
  note?: string
  points: MeasuredPoint[]
}

function invalid(file: string, error: z.ZodError, raw: unknown): MlnodeBenchError {
  const issue = error.issues[0]!
  const field = issue.path.join('.') || '(root)'
  let value: unknown = raw
  for (const key of issue.path) value = (value as Record<PropertyKey, unknown> | undefined)?.[key as PropertyKey]
  return new MlnodeBenchError('MLNB_CONFIG', `${file}: field "${field}" = ${JSON.stringify(value) ?? 'absent'}: ${issue.message}`, { details: { file, field, value } })
}

/** Reads a points YAML. @throws MlnodeBenchError MLNB_CONFIG naming file, field and value. */
export async function loadPointsFile(file: string): Promise<PointsFile> {
  let raw: unknown
  try {
    raw = parse(await readTextFile(file, { what: 'points file' }))
  } catch (error) {
    if (error instanceof MlnodeBenchError) throw error
    throw new MlnodeBenchError('MLNB_CONFIG', `${file}: not YAML: ${(error as Error).message}`, { details: { file } })
  }
  const result = pointsFileSchema.safeParse(raw)
  if (!result.success) throw invalid(file, result.error, raw)
  const data = result.data
  return {
    hardware: data.hardware,
    model: data.model,
    ...(data.dtype === undefined ? {} : { dtype: data.dtype }),
    ...(data.source === undefined ? {} : { source: data.source }),
    ...(data.note === undefined ? {} : { note: data.note }),
    points: data.points.map((p, i) => {
      const source = p.source ?? data.source
      return {
        label: `${file} points[${i}]`,
        args: p.args,
        workload: {
          promptTokens: p.workload.prompt_tokens,
          maxTokens: p.workload.max_tokens,
          requests: p.workload.requests,
          ...(p.workload.concurrency === undefined ? {} : { concurrency: p.workload.concurrency }),
          ...(p.workload.request_rate === undefined ? {} : { requestRate: p.workload.request_rate }),
          ...(p.workload.burstiness === undefined ? {} : { burstiness: p.workload.burstiness }),
        },
        measured: p.measured,
        ...(source === undefined ? {} : { source }),
        ...(p.note === undefined ? {} : { note: p.note }),
      }
    }),
  }
}

/**
 * Points from a results.json: each passed result of a real box (not a simulator) for this model.
 * Prompt and output lengths are the run's means; concurrency is the mean number of requests in
 * flight (Little's law: request rate × mean E2E latency), since results.json does not keep the
 * workload's runner count.
 */
export async function pointsFromResults(file: string, model: string): Promise<{ hardware: string[]; points: MeasuredPoint[] }> {
  let parsed: RunResults
  try {
    parsed = JSON.parse(await readTextFile(file, { what: 'results file' })) as RunResults
  } catch (error) {
    if (error instanceof MlnodeBenchError) throw error
    throw new MlnodeBenchError('MLNB_CONFIG', `${file}: not JSON: ${(error as Error).message}`, { details: { file } })
  }
  if (!Array.isArray(parsed?.results)) throw new MlnodeBenchError('MLNB_CONFIG', `${file}: field "results" is not a list`, { details: { file, field: 'results' } })
  const hardware = new Set<string>()
  const points: MeasuredPoint[] = []
  for (const r of parsed.results) {
    const m = r.metrics
    if (r.model !== model || r.status !== 'passed' || m === undefined || r.target.kind === 'simulated' || m.requests.completed === 0) continue
    hardware.add(r.target.hardware)
    const concurrency = Math.max(1, Math.round((m.requestsPerS * m.e2elMs.meanMs) / 1000))
    points.push({
      label: `${file} ${r.variant} › ${r.workload}`,
      args: r.args.join(' '),
      workload: {
        promptTokens: Math.max(1, Math.round(m.inputTokens / m.requests.completed)),
        maxTokens: Math.max(1, Math.round(m.outputTokens / m.requests.completed)),
        requests: m.requests.completed,
        concurrency,
      },
      measured: {
        ttft_mean_ms: m.ttftMs.meanMs,
        tpot_mean_ms: m.tpotMs.meanMs,
        e2el_mean_ms: m.e2elMs.meanMs,
        output_tokens_per_s: m.outputTokensPerS,
        input_tokens_per_s: m.inputTokensPerS,
      },
    })
  }
  return { hardware: [...hardware], points }
}
