/**
 * `mlnode-bench predict`: what a variant would measure, from the performance model alone.
 * Runs the workload through the simulator's vLLM engine on a virtual clock (no sockets, no
 * GPUs) and prints the metrics a measured run reports, labelled as a prediction.
 */
import { parseVllmArgs, planDeploy } from '../../args/index.js'
import { hasCode } from '../../errors.js'
import { loadCompressaConfig } from '../../load/index.js'
import { arrivalOffsetsMs } from '../../load/arrivals.js'
import { DEFAULT_HARDWARE_PROFILE_ID, instancesPerServer, loadModelConfig, modelInstance, resolveEngineConfig, uncertainPricing, uncertainProblems, type ModelConstants } from '../../model/index.js'
import type { SimulatedRequest } from '../../sim/index.js'
import { catalogModelOption } from '../catalog-options.js'
import { parseCommandLine, usageError } from '../parse-options.js'
import { progressIntervalS, progressMode, startProgress, stderrProgress, type Progress } from '../../run/progress.js'
import { BOX_OPTIONS, boxOption, calibrationOption } from '../planning/box-options.js'
import { loadLengths, predictWorkloads, promptTokensOf, splitArgString, workloadOf, type Prediction, type PredictionFigures } from '../../planner/predict-core.js'
import { checkPredictBudget, DEFAULT_MAX_EVENTS, type WorkloadSize } from '../predict-budget.js'
import { checkPredictArgs, checkPredictLengths } from '../predict-limits.js'
import { figure } from '../../contracts/figures.js'
import { chainPocParams } from '../../poc/chain-params.js'
import { pocPredictionLine, predictPoc } from '../../poc/predict-poc.js'
import type { SweepSpec, WorkloadSpec } from '../../contracts/workload.js'
import { parseSweepOption, predictSweep, renderPredictedSweep } from '../../planner/predict-sweep.js'
import { validateSweep } from '../../sweep/spec.js'

export const summary = 'Predict a variant\'s metrics from the performance model (simulated, no GPU)'

const USAGE = `Usage: mlnode-bench predict --model <id|config.json> [--hardware <profile> | --gpu <gpu>] [--gpus N]
       [--args "<vllm args>"] (--workloads <compressa.yml> | --prompt-tokens N --max-tokens N | --lengths <csv>)
       [--requests N] [--concurrency N] [--request-rate R [--burstiness B]]
       [--dtype float16] [--micro-batches M] [--calibration <file>] [--max-events N] [--json]
       [--poc [--poc-seq-len N] [--poc-batch-size N]]
       [--sweep <rate|concurrency>:<from>:<to>:<steps>[:search] --slo-ttft-ms T --slo-tpot-ms T --slo-e2el-ms T [--attainment A]]

Runs the workload through the simulated vLLM engine on a virtual clock and prints the metrics a
measured run reports. Every figure is a PREDICTION of the performance model (docs/perf-model.md).
Requests generate exactly max_tokens tokens (no early EOS).

  --hardware        hardware profile, or <N>x<gpu> (default ${DEFAULT_HARDWARE_PROFILE_ID}); see docs/perf-model.md
  --gpu, --gpus     a catalog GPU and how many (or --gpus N alone: N GPUs of the --hardware box)
  --model           catalog model id, or a path to a HF config.json
  --args            vLLM args of the variant, e.g. "-tp 4 -pp 2 --quantization fp8 --kv-cache-dtype fp8"
  --dtype           the dtype MLNode sends (default float16)
  --workloads       compressa-perf YAML: one prediction per experiment (as plan's --workloads)
  --prompt-tokens   prompt length in tokens      --max-tokens   tokens to generate
  --lengths         CSV of "prompt_tokens,output_tokens" per request (cycled to --requests)
  --requests        number of requests (default 100, or the CSV's rows)
  --concurrency     closed-loop workers (default 1); with --request-rate, the cap on requests in flight
  --request-rate    open loop: requests per second (Poisson; --burstiness B: gamma arrivals, 1 = Poisson)
  --micro-batches   pipeline micro-batches in flight (default = PP)
  --calibration     constants fitted by \`mlnode-bench calibrate\` for this box
  --max-events      budget of simulated token events, requests x (max tokens + prefill chunks),
                    summed over the workloads (default ${DEFAULT_MAX_EVENTS}, a few seconds); a
                    bigger workload is refused at once, naming a request count that fits
  --json            one JSON object instead of tables
  --poc             also price PoC v2 (nonces/min: one prefill of batch × seq_len tokens per batch,
                    docs/poc.md); alone, without a workload, only that
  --poc-seq-len     PoC seq_len (default: the chain's for the model, 256 for most)
  --poc-batch-size  PoC batch_size (default 32, the backend's)
  --sweep           predict a sweep of the inline workload, e.g. rate:1:8:5 (5 rates from 1 to 8 req/s)
                    or concurrency:1:64:7 (:search appended bisects instead, at most <steps> steps),
                    and print its curve and capacity at SLO (docs/metrics.md);
                    needs at least one --slo-*-ms; steps stop after 2 in a row miss the SLO
  --slo-ttft-ms, --slo-tpot-ms, --slo-e2el-ms   the SLO a request must meet (the suites' slo)
  --attainment      share of a step's requests that must meet the SLO (default 0.9)`

export { predictWorkloads, simulatedWorkload, splitArgString, promptTokensOf, workloadOf } from '../../planner/predict-core.js'
export type { Prediction, PredictionFigures, PredictInput } from '../../planner/predict-core.js'

function fmt(n: number, digits = 1): string {
  return Number.isFinite(n) ? n.toFixed(digits) : '-'
}

/** The predicted figures shown, by registry key, with their decimals. */
const TABLE_FIGURES: ReadonlyArray<readonly [keyof PredictionFigures, number]> = [
  ['ttft_mean_ms', 1], ['ttft_p99_ms', 1], ['tpot_mean_ms', 2], ['itl_p99_ms', 2], ['e2el_mean_ms', 1],
  ['input_tokens_per_s', 1], ['output_tokens_per_s', 1], ['request_per_s', 3],
]

function renderTable(predictions: readonly Prediction[]): string {
  const head = ['experiment', 'req', 'conc', 'in tok', 'out tok', ...TABLE_FIGURES.map(([key]) => figure(key).title)]
  const rows = predictions.map((p) => [
    p.experiment,
    String(p.requests),
    String(p.concurrency),
    String(p.promptTokens),
    String(p.outputTokens),
    ...TABLE_FIGURES.map(([key, digits]) => fmt(p.figures[key], digits)),
  ])
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)))
  const line = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n')
}

const COMMAND_LINE = {
  command: 'predict',
  usage: USAGE,
  options: {
    ...BOX_OPTIONS,
    model: { type: 'string', required: true },
    args: { type: 'string', dashValue: true },
    dtype: { type: 'string' },
    workloads: { type: 'string' },
    'prompt-tokens': { type: 'integer', min: 1 },
    'max-tokens': { type: 'integer', min: 1 },
    requests: { type: 'integer', min: 1 },
    concurrency: { type: 'integer', min: 1 },
    lengths: { type: 'string' },
    'request-rate': { type: 'number', above: 0 },
    burstiness: { type: 'number', above: 0 },
    calibration: { type: 'string' },
    'micro-batches': { type: 'integer', min: 1 },
    'max-events': { type: 'integer', min: 1 },
    json: { type: 'boolean' },
    poc: { type: 'boolean' },
    'poc-seq-len': { type: 'integer', min: 1 },
    'poc-batch-size': { type: 'integer', min: 3 },
    sweep: { type: 'string' },
    'slo-ttft-ms': { type: 'number', above: 0 },
    'slo-tpot-ms': { type: 'number', above: 0 },
    'slo-e2el-ms': { type: 'number', above: 0 },
    attainment: { type: 'number', above: 0 },
  },
} as const

/** Entry point of `mlnode-bench predict`. */
export async function run(argv: string[]): Promise<number> {
  const cli = parseCommandLine(COMMAND_LINE, argv)
  if (!cli) return 0
  const v = cli.values
  const values = { ...v, args: v.args ?? '', dtype: v.dtype ?? 'float16' }
  const inline = (['prompt-tokens', 'max-tokens', 'requests', 'concurrency', 'lengths', 'request-rate', 'burstiness'] as const).filter((k) => values[k] !== undefined)
  if (values.workloads !== undefined && inline.length > 0) {
    throw usageError('predict', `--workloads and --${inline[0]} exclude each other: the workload comes from the YAML file or from the options`, { option: inline[0] })
  }
  const wantsPoc = values.poc === true || values['poc-seq-len'] !== undefined || values['poc-batch-size'] !== undefined
  // `--poc` alone prices only PoC: no load workload to predict.
  const pocOnly = wantsPoc && values.workloads === undefined && values.lengths === undefined && inline.length === 0
  if (!pocOnly && values.workloads === undefined && values.lengths === undefined) {
    for (const k of ['prompt-tokens', 'max-tokens'] as const) {
      if (values[k] === undefined) throw usageError('predict', `--${k} is required without --workloads or --lengths`, { option: k })
    }
  }
  if (values.lengths !== undefined && values['prompt-tokens'] !== undefined) throw usageError('predict', '--lengths and --prompt-tokens exclude each other', { option: 'lengths' })
  if (values.burstiness !== undefined && values['request-rate'] === undefined) throw usageError('predict', '--burstiness needs --request-rate', { option: 'burstiness' })
  const hardware = boxOption('predict', { hardware: values.gpu === undefined ? values.hardware ?? DEFAULT_HARDWARE_PROFILE_ID : values.hardware, gpu: values.gpu, gpus: values.gpus })
  const calibrated = await calibrationOption(values.calibration, hardware)
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
  checkPredictArgs(splitArgString(values.args))
  const { tp, pp } = asUsage(() => planDeploy(model.id, parsed))
  const engine = asUsage(() => resolveEngineConfig(parsed.values, model, hardware, values.dtype))

  if (pocOnly) return printPocOnly(values, { model, hardware, engine, calibrated, tp, pp })
  if (values.sweep !== undefined) return printSweep(values, { model, hardware, engine, calibrated, tp, pp, maxModelLenHow: parsed.values.has('max-model-len') ? `--max-model-len in --args` : `max_position_embeddings of ${model.id}` })
  // Size the workloads before building them: a refusal must come at once.
  let sizes: WorkloadSize[]
  let build: () => Array<{ name: string; requests: SimulatedRequest[]; concurrency?: number }>
  if (values.workloads !== undefined) {
    const specs = await loadCompressaConfig(values.workloads)
    const promptTokens = await Promise.all(specs.map(promptTokensOf))
    sizes = specs.map((spec, i) => ({ name: spec.name, requests: spec.requests, promptTokens: promptTokens[i]!, outputTokens: spec.maxTokens }))
    build = () => specs.map((spec, i) => workloadOf(spec, promptTokens[i]!))
  } else {
    const lengths = values.lengths === undefined ? [{ promptTokens: values['prompt-tokens']!, outputTokens: values['max-tokens']! }] : await loadLengths(values.lengths)
    const count = values.requests ?? (values.lengths === undefined ? 100 : lengths.length)
    const rate = values['request-rate']
    // Open loop: arrivals at the rate (gamma with --burstiness, Poisson by default), seeded like a workload.
    const arrivals = rate === undefined ? undefined : arrivalOffsetsMs(count, rate, values.burstiness ?? 1, 0)
    const requests: SimulatedRequest[] = Array.from({ length: count }, (_, i) => ({ ...lengths[i % lengths.length]!, ...(arrivals ? { arrivalS: arrivals[i]! / 1000 } : {}) }))
    const mean = (f: (r: SimulatedRequest) => number): number => Math.round(requests.reduce((t, r) => t + f(r), 0) / count)
    sizes = [{ name: 'workload', requests: count, promptTokens: mean((r) => r.promptTokens), outputTokens: mean((r) => r.outputTokens) }]
    const concurrency = rate === undefined ? values.concurrency ?? 1 : values.concurrency
    build = () => [{ name: 'workload', requests, ...(concurrency === undefined ? {} : { concurrency }) }]
  }
  // A --lengths file may mix lengths: only the options and YAML workloads have one length each.
  if (values.lengths === undefined) {
    const how = parsed.values.has('max-model-len') ? `--max-model-len in --args` : `max_position_embeddings of ${model.id}`
    checkPredictLengths(sizes, engine.maxModelLen, how, values.workloads === undefined)
  }
  checkPredictBudget(sizes, engine.maxNumBatchedTokens, values['max-events'] ?? DEFAULT_MAX_EVENTS, values.workloads === undefined ? { kind: 'options' } : { kind: 'file', file: values.workloads })

  const constants: ModelConstants = { ...calibrated }
  if (values['micro-batches'] !== undefined) constants.ppMicroBatches = values['micro-batches']
  // A memory margin within the model's known error is predicted, with a warning (docs/perf-model.md §5c).
  const pricing = uncertainPricing(engine, uncertainProblems(hardware, model, engine, constants))
  if (pricing.mayNotStart !== undefined) console.error(`predict: WARNING: may not start on ${hardware.id}: ${pricing.mayNotStart}`)
  const plan = modelInstance(hardware, model, pricing.engine, { constants, accept: pricing.accept })
  const instances = instancesPerServer(hardware, engine)
  const workloads = build()
  const predictions = predictWorkloads({ plan, instances, workloads }, (name, total) => predictProgress(`predict ${name} (simulation progress)`, total))

  const header = {
    prediction: true,
    simulated: true,
    hardware: hardware.id,
    model: model.id,
    args: values.args,
    ...(values.calibration === undefined ? {} : { calibration: values.calibration }),
    tp,
    pp,
    instances,
    kvCapacityTokensPerInstance: plan.kvCapacityTokens,
    weightsGiBPerGpu: Number(plan.weightsGiBPerGpu.toFixed(3)),
    kvGiBPerGpu: Number(plan.kvGiBPerGpu.toFixed(3)),
    maxNumSeqs: engine.maxNumSeqs,
    maxNumBatchedTokens: engine.maxNumBatchedTokens,
    ...(pricing.mayNotStart === undefined ? {} : { mayNotStart: pricing.mayNotStart }),
  }
  const poc = wantsPoc ? predictPoc({ plan, instances, gpus: hardware.gpuCount, seqLen: values['poc-seq-len'] ?? chainPocParams(model.id).seqLen, ...(values['poc-batch-size'] === undefined ? {} : { batchSize: values['poc-batch-size'] }) }) : undefined
  if (values.json) {
    const body =
      values.workloads === undefined
        ? { ...header, ...predictions[0]!.figures }
        : { ...header, experiments: predictions.map((p) => ({ experiment: p.experiment, ...p.figures })) }
    console.log(JSON.stringify(poc ? { ...body, poc } : body))
    return 0
  }
  console.log(
    `PREDICTION (simulated by the performance model, not measured): ${model.id} on ${hardware.id}, ` +
      `tp=${tp} pp=${pp}, ${instances} instance(s), args "${values.args}"; ` +
      // As plan's header: which constants made these figures, so a pasted table says it.
      (values.calibration === undefined ? 'uncalibrated' : `calibration ${values.calibration}`),
  )
  console.log(
    `  per GPU: weights ${plan.weightsGiBPerGpu.toFixed(2)} GiB, KV ${plan.kvGiBPerGpu.toFixed(2)} GiB; ` +
      `KV capacity ${plan.kvCapacityTokens} tokens/instance; max_num_seqs ${engine.maxNumSeqs}, max_num_batched_tokens ${engine.maxNumBatchedTokens}`,
  )
  console.log(renderTable(predictions))
  const failed = predictions.reduce((s, p) => s + p.metrics.requests.failed, 0)
  if (failed > 0) console.log(`  ${failed} request(s) rejected by the simulated engine (prompt + max_tokens > max_model_len or KV too small)`)
  if (poc) console.log(pocPredictionLine(poc))
  return 0
}

/** `predict --sweep`: the inline workload swept, each step predicted (src/planner/predict-sweep.ts). */
async function printSweep(
  values: { sweep?: string; json?: boolean; args: string; calibration?: string; workloads?: string; lengths?: string; 'prompt-tokens'?: number; 'max-tokens'?: number; requests?: number; concurrency?: number; burstiness?: number; 'request-rate'?: number; 'micro-batches'?: number; 'max-events'?: number; 'slo-ttft-ms'?: number; 'slo-tpot-ms'?: number; 'slo-e2el-ms'?: number; attainment?: number },
  o: { model: Parameters<typeof modelInstance>[1]; hardware: Parameters<typeof modelInstance>[0]; engine: Parameters<typeof modelInstance>[2]; calibrated: ModelConstants | undefined; tp: number; pp: number; maxModelLenHow: string },
): Promise<number> {
  if (values.workloads !== undefined || values.lengths !== undefined) throw usageError('predict', '--sweep sweeps the inline workload (--prompt-tokens, --max-tokens, --requests): not --workloads or --lengths', { option: 'sweep' })
  if (values['request-rate'] !== undefined) throw usageError('predict', '--sweep sets the rate of each step: leave --request-rate out', { option: 'request-rate' })
  const slo = { ...(values['slo-ttft-ms'] === undefined ? {} : { ttftMs: values['slo-ttft-ms'] }), ...(values['slo-tpot-ms'] === undefined ? {} : { tpotMs: values['slo-tpot-ms'] }), ...(values['slo-e2el-ms'] === undefined ? {} : { e2elMs: values['slo-e2el-ms'] }) }
  if (Object.keys(slo).length === 0) throw usageError('predict', '--sweep needs an SLO to judge its steps by: --slo-ttft-ms, --slo-tpot-ms and/or --slo-e2el-ms', { option: 'sweep' })
  let sweep: SweepSpec
  try {
    sweep = parseSweepOption(values.sweep!, values.attainment === undefined ? {} : { attainment: values.attainment })
  } catch (error) {
    throw usageError('predict', (error as Error).message, { option: 'sweep' })
  }
  const requests = values.requests ?? 100
  const promptTokens = values['prompt-tokens']!
  const spec: WorkloadSpec = {
    name: 'workload',
    requests,
    prompt: { tokens: promptTokens },
    maxTokens: values['max-tokens']!,
    slo,
    sweep,
    // A rate sweep is open loop (--concurrency caps it, --burstiness shapes it); a concurrency sweep sets the closed loop.
    ...(sweep.over === 'rate' ? { arrival: { ratePerS: sweep.from, ...(values.burstiness === undefined ? {} : { burstiness: values.burstiness }), ...(values.concurrency === undefined ? {} : { maxConcurrency: values.concurrency }) } } : {}),
  }
  try {
    validateSweep(spec, '--sweep')
  } catch (error) {
    throw usageError('predict', (error as Error).message, { option: 'sweep' })
  }
  const sizes: WorkloadSize[] = [{ name: 'workload', requests, promptTokens, outputTokens: spec.maxTokens }]
  checkPredictLengths(sizes, o.engine.maxModelLen, o.maxModelLenHow, true)
  // Every step is a whole workload: the event budget covers them all.
  checkPredictBudget([{ ...sizes[0]!, requests: requests * sweep.steps }], o.engine.maxNumBatchedTokens, values['max-events'] ?? DEFAULT_MAX_EVENTS, { kind: 'options' })
  const constants: ModelConstants = { ...o.calibrated, ...(values['micro-batches'] === undefined ? {} : { ppMicroBatches: values['micro-batches'] }) }
  const plan = modelInstance(o.hardware, o.model, o.engine, { constants })
  const instances = instancesPerServer(o.hardware, o.engine)
  const result = await predictSweep({ plan, instances, spec, promptTokens, slo, print: (line) => console.error(line) })
  const calibration = values.calibration === undefined ? 'uncalibrated' : `calibration ${values.calibration}`
  if (values.json) {
    console.log(JSON.stringify({ prediction: true, simulated: true, hardware: o.hardware.id, model: o.model.id, args: values.args, tp: o.tp, pp: o.pp, instances, ...(values.calibration === undefined ? {} : { calibration: values.calibration }), sweep: result }))
    return 0
  }
  console.log(`PREDICTION (simulated by the performance model, not measured): ${o.model.id} on ${o.hardware.id}, tp=${o.tp} pp=${o.pp}, ${instances} instance(s), args "${values.args}"; ${calibration}`)
  console.log(renderPredictedSweep(result))
  return 0
}

/** `predict --poc` without a workload: the PoC price only (header line, then the PoC line or JSON). */
function printPocOnly(
  values: { json?: boolean; args: string; calibration?: string; 'micro-batches'?: number; 'poc-seq-len'?: number; 'poc-batch-size'?: number },
  o: { model: Parameters<typeof modelInstance>[1]; hardware: Parameters<typeof modelInstance>[0]; engine: Parameters<typeof modelInstance>[2]; calibrated: ModelConstants | undefined; tp: number; pp: number },
): number {
  const constants: ModelConstants = { ...o.calibrated, ...(values['micro-batches'] === undefined ? {} : { ppMicroBatches: values['micro-batches'] }) }
  const plan = modelInstance(o.hardware, o.model, o.engine, { constants })
  const instances = instancesPerServer(o.hardware, o.engine)
  const poc = predictPoc({ plan, instances, gpus: o.hardware.gpuCount, seqLen: values['poc-seq-len'] ?? chainPocParams(o.model.id).seqLen, ...(values['poc-batch-size'] === undefined ? {} : { batchSize: values['poc-batch-size'] }) })
  if (values.json) {
    console.log(JSON.stringify({ prediction: true, simulated: true, hardware: o.hardware.id, model: o.model.id, args: values.args, tp: o.tp, pp: o.pp, instances, poc }))
    return 0
  }
  console.log(`PREDICTION (simulated by the performance model, not measured): ${o.model.id} on ${o.hardware.id}, tp=${o.tp} pp=${o.pp}, ${instances} instance(s), args "${values.args}"; ${values.calibration === undefined ? 'uncalibrated' : `calibration ${values.calibration}`}`)
  console.log(pocPredictionLine(poc))
  return 0
}

/**
 * Progress of one predicted workload on stderr (stdout keeps the tables or the JSON): on a
 * terminal redrawn each second from the first second on, else a line every MLNODE_BENCH_PROGRESS_S.
 */
function predictProgress(label: string, total: number): Progress {
  const mode = progressMode(process.stderr)
  const out = stderrProgress(mode)
  const progress = startProgress({ label, total, intervalS: progressIntervalS(), mode, print: (text) => out.print(text) })
  return {
    sent: (warmup) => progress.sent(warmup),
    done: (record) => progress.done(record),
    tick: () => progress.tick(),
    stop() {
      progress.stop()
      out.end()
    },
    get printed() {
      return progress.printed
    },
  }
}
