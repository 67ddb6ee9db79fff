/**
 * `mlnode-bench predict`: what a variant would measure, from the performance model alone.
 * Runs the workload through the simulator's vLLM engine on a virtual clock (no sockets, no
 * GPUs) and prints the metrics a measured run reports, labelled as a prediction.
 */
import { parallelismOf, parseVllmArgs } from '../../args/index.js'
import { hasCode } from '../../errors.js'
import { loadCompressaConfig } from '../../load/index.js'
import { arrivalOffsetsMs } from '../../load/arrivals.js'
import { CHARS_PER_TOKEN_ENGLISH, CHARS_PER_TOKEN_RANDOM_LETTERS, readPromptFile } from '../../load/prompts.js'
import type { WorkloadSpec } from '../../load/types.js'
import { summarize } from '../../metrics/index.js'
import type { Slo, WorkloadMetrics } from '../../metrics/types.js'
import {
  DEFAULT_HARDWARE_PROFILE_ID,
  instancesPerServer,
  loadModelConfig,
  planInstance,
  resolveEngineConfig,
  type ModelConstants,
  type ModelInstancePlan,
} from '../../model/index.js'
import { simulateRequests, type SimulatedRequest } from '../../sim/index.js'
import { catalogModelOption, hardwareOption } from '../catalog-options.js'
import { parseCommandLine, usageError } from '../parse-options.js'
import { checkPredictBudget, DEFAULT_MAX_EVENTS, type WorkloadSize } from '../predict-budget.js'

export const summary = 'Predict a variant\'s metrics from the performance model (simulated, no GPU)'

const USAGE = `Usage: mlnode-bench predict --model <id|config.json> [--hardware <profile>] [--args "<vllm args>"]
       (--config <compressa.yml> | --prompt-tokens N --max-tokens N [--requests N] [--concurrency N])
       [--dtype float16] [--micro-batches M] [--max-events N] [--json]

Runs the workload through the simulated vLLM engine on a virtual clock and prints the metrics a
measured run reports. Every figure is a PREDICTION of the performance model (docs/perf-model.md).
Requests generate exactly max_tokens tokens (no early EOS).

  --hardware        hardware profile (default ${DEFAULT_HARDWARE_PROFILE_ID}); see docs/perf-model.md
  --model           catalog model id, or a path to a HF config.json
  --args            vLLM args of the variant, e.g. "-tp 4 -pp 2 --quantization fp8 --kv-cache-dtype fp8"
  --dtype           the dtype MLNode sends (default float16)
  --config          compressa-perf YAML: one prediction per experiment
  --prompt-tokens   prompt length in tokens      --max-tokens   tokens to generate
  --requests        number of requests (default 100)
  --concurrency     closed-loop workers (default 1)
  --micro-batches   pipeline micro-batches in flight (default = PP)
  --max-events      budget of simulated token events, requests x (max tokens + prefill chunks),
                    summed over the workloads (default ${DEFAULT_MAX_EVENTS}, a few seconds); a
                    bigger workload is refused at once, naming a request count that fits
  --json            one JSON object instead of tables`

/** The keys `--json` prints per prediction. */
export interface PredictionFigures {
  ttft_mean_ms: number
  ttft_p99_ms: number
  tpot_mean_ms: number
  itl_p99_ms: number
  e2el_mean_ms: number
  input_tokens_per_s: number
  output_tokens_per_s: number
  request_per_s: number
}

/** One workload's prediction. */
export interface Prediction {
  experiment: string
  requests: number
  concurrency: number
  promptTokens: number
  outputTokens: number
  metrics: WorkloadMetrics
  figures: PredictionFigures
}

/** What predictWorkloads needs. */
export interface PredictInput {
  plan: ModelInstancePlan
  instances: number
  workloads: ReadonlyArray<{ name: string; requests: SimulatedRequest[]; concurrency?: number }>
  /** SLOs for predicted goodput. */
  slo?: Slo
}

/** Splits a shell-like argument string ("-tp 4 --x 'a b'") into tokens. */
export function splitArgString(text: string): string[] {
  const tokens: string[] = []
  const re = /"((?:[^"\\]|\\.)*)"|'([^']*)'|([^\s"']+)/g
  let current = ''
  let last = -1
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const piece = m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : (m[2] ?? m[3] ?? '')
    // Adjacent pieces without whitespace between them form one token (--x="a b").
    if (last === m.index && tokens.length > 0) current = tokens.pop()! + piece
    else current = piece
    tokens.push(current)
    last = re.lastIndex
  }
  return tokens
}

function figuresOf(m: WorkloadMetrics): PredictionFigures {
  return {
    ttft_mean_ms: m.ttftMs.meanMs,
    ttft_p99_ms: m.ttftMs.p99Ms,
    tpot_mean_ms: m.tpotMs.meanMs,
    itl_p99_ms: m.itlMs.p99Ms,
    e2el_mean_ms: m.e2elMs.meanMs,
    input_tokens_per_s: m.inputTokensPerS,
    output_tokens_per_s: m.outputTokensPerS,
    request_per_s: m.requestsPerS,
  }
}

/** Runs each workload on the simulator's engine (virtual clock) and summarises it. */
export function predictWorkloads(input: PredictInput): Prediction[] {
  // The engine itself honours the PP round budget (InstancePlan.roundTokenBudget): predict and
  // the HTTP simulator schedule identically.
  const plan = input.plan
  return input.workloads.map((w) => {
    const records = simulateRequests({ plan, instances: input.instances, requests: w.requests, ...(w.concurrency === undefined ? {} : { concurrency: w.concurrency }) })
    const metrics = summarize({ records }, input.slo === undefined ? {} : { slo: input.slo })
    const first = w.requests[0]
    return {
      experiment: w.name,
      requests: w.requests.length,
      concurrency: w.concurrency ?? w.requests.length,
      promptTokens: first?.promptTokens ?? 0,
      outputTokens: first?.outputTokens ?? 0,
      metrics,
      figures: figuresOf(metrics),
    }
  })
}

/** Prompt tokens of a workload's prompts, as the tokenizer would roughly count them. */
async function promptTokensOf(spec: WorkloadSpec): Promise<number> {
  const p = spec.prompt
  if ('tokens' in p) return p.tokens
  if ('chars' in p) return Math.max(1, Math.round(p.chars / CHARS_PER_TOKEN_RANDOM_LETTERS))
  const prompts = await readPromptFile(p.file, spec.source === undefined ? process.cwd() : (await import('node:path')).dirname(spec.source))
  const chars = prompts.reduce((s, x) => s + Math.min(x.length, p.maxChars ?? Infinity), 0) / Math.max(1, prompts.length)
  return Math.max(1, Math.round(chars / CHARS_PER_TOKEN_ENGLISH))
}

/** A WorkloadSpec as simulated requests (every request generates max_tokens tokens). */
export async function simulatedWorkload(spec: WorkloadSpec): Promise<{ name: string; requests: SimulatedRequest[]; concurrency?: number }> {
  return workloadOf(spec, await promptTokensOf(spec))
}

function workloadOf(spec: WorkloadSpec, promptTokens: number): { name: string; requests: SimulatedRequest[]; concurrency?: number } {
  if (spec.arrival !== undefined) {
    const offsets = arrivalOffsetsMs(spec.requests, spec.arrival.ratePerS, spec.arrival.burstiness ?? 1, spec.seed ?? 0)
    const requests = offsets.map((ms) => ({ arrivalS: ms / 1000, promptTokens, outputTokens: spec.maxTokens }))
    return { name: spec.name, requests, ...(spec.arrival.maxConcurrency === undefined ? {} : { concurrency: spec.arrival.maxConcurrency }) }
  }
  const requests = Array.from({ length: spec.requests }, () => ({ promptTokens, outputTokens: spec.maxTokens }))
  return { name: spec.name, requests, concurrency: spec.concurrency ?? 1 }
}

function fmt(n: number, digits = 1): string {
  return Number.isFinite(n) ? n.toFixed(digits) : '-'
}

function renderTable(predictions: readonly Prediction[]): string {
  const head = ['experiment', 'req', 'conc', 'in tok', 'out tok', 'TTFT mean ms', 'TTFT p99 ms', 'TPOT mean ms', 'ITL p99 ms', 'E2EL mean ms', 'in tok/s', 'out tok/s', 'req/s']
  const rows = predictions.map((p) => [
    p.experiment,
    String(p.requests),
    String(p.concurrency),
    String(p.promptTokens),
    String(p.outputTokens),
    fmt(p.figures.ttft_mean_ms),
    fmt(p.figures.ttft_p99_ms),
    fmt(p.figures.tpot_mean_ms, 2),
    fmt(p.figures.itl_p99_ms, 2),
    fmt(p.figures.e2el_mean_ms),
    fmt(p.figures.input_tokens_per_s),
    fmt(p.figures.output_tokens_per_s),
    fmt(p.figures.request_per_s, 3),
  ])
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)))
  const line = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n')
}

const COMMAND_LINE = {
  command: 'predict',
  usage: USAGE,
  options: {
    hardware: { type: 'string' },
    model: { type: 'string', required: true },
    args: { type: 'string', dashValue: true },
    dtype: { type: 'string' },
    config: { type: 'string' },
    'prompt-tokens': { type: 'integer', min: 1 },
    'max-tokens': { type: 'integer', min: 1 },
    requests: { type: 'integer', min: 1 },
    concurrency: { type: 'integer', min: 1 },
    'micro-batches': { type: 'integer', min: 1 },
    'max-events': { type: 'integer', min: 1 },
    json: { type: 'boolean' },
  },
} as const

/** Entry point of `mlnode-bench predict`. */
export async function run(argv: string[]): Promise<number> {
  const cli = parseCommandLine(COMMAND_LINE, argv)
  if (!cli) return 0
  const v = cli.values
  const values = { ...v, hardware: v.hardware ?? DEFAULT_HARDWARE_PROFILE_ID, args: v.args ?? '', dtype: v.dtype ?? 'float16' }
  const inline = (['prompt-tokens', 'max-tokens', 'requests', 'concurrency'] as const).filter((k) => values[k] !== undefined)
  if (values.config !== undefined && inline.length > 0) {
    throw usageError('predict', `--config and --${inline[0]} exclude each other: the workload comes from the config file or from the options`, { option: inline[0] })
  }
  if (values.config === undefined) {
    for (const k of ['prompt-tokens', 'max-tokens'] as const) {
      if (values[k] === undefined) throw usageError('predict', `--${k} is required without --config`, { option: k })
    }
  }
  const hardware = hardwareOption('predict', values.hardware)
  const model = /\.json$/i.test(values.model) ? await loadModelConfig(values.model) : catalogModelOption('predict', values.model)
  // Unparseable --args or --dtype values are misuse of this command (exit code 2).
  const asUsage = <T>(fn: () => T): T => {
    try {
      return fn()
    } catch (error) {
      if (hasCode(error, 'MLNB_ARGS_PARSE')) throw usageError('predict', (error as Error).message)
      throw error
    }
  }
  const parsed = asUsage(() => parseVllmArgs(splitArgString(values.args), { source: '--args' }))
  const { tp, pp } = parallelismOf(parsed)
  const engine = asUsage(() => resolveEngineConfig(parsed.values, model, hardware, values.dtype))
  engine.tp = tp
  engine.pp = pp

  // Size the workloads before building them: a refusal must come at once.
  let sizes: WorkloadSize[]
  let build: () => Array<{ name: string; requests: SimulatedRequest[]; concurrency?: number }>
  if (values.config !== undefined) {
    const specs = await loadCompressaConfig(values.config)
    const promptTokens = await Promise.all(specs.map(promptTokensOf))
    sizes = specs.map((spec, i) => ({ name: spec.name, requests: spec.requests, promptTokens: promptTokens[i]!, outputTokens: spec.maxTokens }))
    build = () => specs.map((spec, i) => workloadOf(spec, promptTokens[i]!))
  } else {
    const promptTokens = values['prompt-tokens']!
    const outputTokens = values['max-tokens']!
    const count = values.requests ?? 100
    sizes = [{ name: 'workload', requests: count, promptTokens, outputTokens }]
    build = () => [{ name: 'workload', requests: Array.from({ length: count }, () => ({ promptTokens, outputTokens })), concurrency: values.concurrency ?? 1 }]
  }
  checkPredictBudget(sizes, engine.maxNumBatchedTokens, values['max-events'] ?? DEFAULT_MAX_EVENTS, values.config === undefined ? { kind: 'options' } : { kind: 'config', file: values.config })

  const constants: ModelConstants = {}
  if (values['micro-batches'] !== undefined) constants.ppMicroBatches = values['micro-batches']
  const plan = planInstance(hardware, model, engine, { constants })
  const instances = instancesPerServer(hardware, engine)
  const workloads = build()
  const predictions = predictWorkloads({ plan, instances, workloads })

  const header = {
    prediction: true,
    simulated: true,
    hardware: hardware.id,
    model: model.id,
    args: values.args,
    tp,
    pp,
    instances,
    kvCapacityTokensPerInstance: plan.kvCapacityTokens,
    weightsGiBPerGpu: Number(plan.weightsGiBPerGpu.toFixed(3)),
    kvGiBPerGpu: Number(plan.kvGiBPerGpu.toFixed(3)),
    maxNumSeqs: engine.maxNumSeqs,
    maxNumBatchedTokens: engine.maxNumBatchedTokens,
  }
  if (values.json) {
    const body =
      values.config === undefined
        ? { ...header, ...predictions[0]!.figures }
        : { ...header, experiments: predictions.map((p) => ({ experiment: p.experiment, ...p.figures })) }
    console.log(JSON.stringify(body))
    return 0
  }
  console.log(
    `PREDICTION (simulated by the performance model, not measured): ${model.id} on ${hardware.id}, ` +
      `tp=${tp} pp=${pp}, ${instances} instance(s), args "${values.args}"`,
  )
  console.log(
    `  per GPU: weights ${plan.weightsGiBPerGpu.toFixed(2)} GiB, KV ${plan.kvGiBPerGpu.toFixed(2)} GiB; ` +
      `KV capacity ${plan.kvCapacityTokens} tokens/instance; max_num_seqs ${engine.maxNumSeqs}, max_num_batched_tokens ${engine.maxNumBatchedTokens}`,
  )
  console.log(renderTable(predictions))
  const failed = predictions.reduce((s, p) => s + p.metrics.requests.failed, 0)
  if (failed > 0) console.log(`  ${failed} request(s) rejected by the simulated engine (prompt + max_tokens > max_model_len or KV too small)`)
  return 0
}
