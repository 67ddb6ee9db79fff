/**
 * The prediction core shared by `predict`, `plan` and `calibrate`: workloads run through the
 * simulator's vLLM engine on a virtual clock (no sockets, no GPUs) and summarised like a
 * measured run.
 */
import { isDatasetPrompt, prepareDataset, type DatasetPromptSpec } from '../load/datasets/index.js'
import { readTextFile } from '../text/read-text-file.js'
import { dirname } from 'node:path'
import { MlnodeBenchError } from '../errors.js'
import { arrivalOffsetsMs } from '../load/arrivals.js'
import { CHARS_PER_TOKEN_ENGLISH, CHARS_PER_TOKEN_RANDOM_LETTERS, readPromptFile } from '../load/prompts.js'
import type { WorkloadSpec } from '../contracts/workload.js'
import { summarize } from '../metrics/index.js'
import type { RequestRecord, Slo, WorkloadMetrics } from '../contracts/records.js'
import type { ModelInstance } from '../model/index.js'
import { simulateRequests, type SimulatedRequest } from '../sim/index.js'

/** Live progress of one predicted workload (src/run/progress.ts provides one). */
export interface PredictProgress {
  sent(warmup: boolean): void
  done(record: RequestRecord): void
  tick(): void
  stop(): void
}

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
  plan: ModelInstance
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
export function predictWorkloads(input: PredictInput, progressOf?: (workload: string, total: number) => PredictProgress): Prediction[] {
  // The engine itself honours the PP round budget (InstanceModel.roundTokenBudget): predict and
  // the HTTP simulator schedule identically.
  const plan = input.plan
  return input.workloads.map((w) => {
    // The simulation is synchronous: progress is ticked from its callbacks, not by a timer.
    const progress = progressOf?.(w.name, w.requests.length)
    const hooks = progress === undefined ? {} : { onRequestSent: () => progress.sent(false), onRequestDone: (r: RequestRecord) => (progress.done(r), progress.tick()) }
    let records: RequestRecord[]
    try {
      records = simulateRequests({ plan, instances: input.instances, requests: w.requests, ...(w.concurrency === undefined ? {} : { concurrency: w.concurrency }), ...hooks })
    } finally {
      progress?.stop()
    }
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
export async function promptTokensOf(spec: WorkloadSpec): Promise<number> {
  const p = spec.prompt
  if ('tokens' in p) return p.tokens
  if ('chars' in p) return Math.max(1, Math.round(p.chars / CHARS_PER_TOKEN_RANDOM_LETTERS))
  if (isDatasetPrompt(p)) {
    // Datasets: the mean estimated prompt of the requests the workload would send.
    const source = await prepareDataset(p, { total: spec.requests, seed: spec.seed ?? 0, name: spec.name, baseDir: spec.source === undefined ? process.cwd() : dirname(spec.source) })
    let sum = 0
    for (let i = 0; i < spec.requests; i++) sum += source.estimatedTokens(i)
    return Math.max(1, Math.round(sum / spec.requests))
  }
  const prompts = await readPromptFile(p.file, spec.source === undefined ? process.cwd() : dirname(spec.source))
  const chars = prompts.reduce((s, x) => s + Math.min(x.length, p.maxChars ?? Infinity), 0) / Math.max(1, prompts.length)
  return Math.max(1, Math.round(chars / CHARS_PER_TOKEN_ENGLISH))
}

/** A WorkloadSpec as simulated requests (every request generates max_tokens tokens). */
export async function simulatedWorkload(spec: WorkloadSpec): Promise<{ name: string; requests: SimulatedRequest[]; concurrency?: number }> {
  if (isDatasetPrompt(spec.prompt)) return datasetWorkload(spec, spec.prompt)
  return workloadOf(spec, await promptTokensOf(spec))
}

/**
 * A dataset workload as simulated requests: each request's own prompt and output length (the
 * recorded answer's, or maxTokens), a trace's timestamps as arrivals. Prefix sharing is not
 * modelled here (the requests carry no text); the HTTP simulator models it.
 */
async function datasetWorkload(spec: WorkloadSpec, prompt: DatasetPromptSpec): Promise<{ name: string; requests: SimulatedRequest[]; concurrency?: number }> {
  const source = await prepareDataset(prompt, { total: spec.requests, seed: spec.seed ?? 0, name: spec.name, baseDir: spec.source === undefined ? process.cwd() : dirname(spec.source) })
  const offsets = source.arrivalOffsetsMs?.(0, spec.requests)
  const requests = Array.from({ length: spec.requests }, (_, i): SimulatedRequest => ({
    ...(offsets === undefined ? {} : { arrivalS: offsets[i]! / 1000 }),
    promptTokens: source.estimatedTokens(i),
    outputTokens: source.request?.(i)?.maxTokens ?? spec.maxTokens,
  }))
  return offsets === undefined ? { name: spec.name, requests, concurrency: spec.concurrency ?? 1 } : { name: spec.name, requests }
}

export function workloadOf(spec: WorkloadSpec, promptTokens: number): { name: string; requests: SimulatedRequest[]; concurrency?: number } {
  if (spec.arrival !== undefined) {
    const offsets = arrivalOffsetsMs(spec.requests, spec.arrival.ratePerS, spec.arrival.burstiness ?? 1, spec.seed ?? 0)
    const requests = offsets.map((ms) => ({ arrivalS: ms / 1000, promptTokens, outputTokens: spec.maxTokens }))
    return { name: spec.name, requests, ...(spec.arrival.maxConcurrency === undefined ? {} : { concurrency: spec.arrival.maxConcurrency }) }
  }
  const requests = Array.from({ length: spec.requests }, () => ({ promptTokens, outputTokens: spec.maxTokens }))
  return { name: spec.name, requests, concurrency: spec.concurrency ?? 1 }
}


/**
 * Per-request lengths from a CSV of `prompt_tokens,output_tokens` rows (a header row and blank
 * lines are skipped), as published benchmarks list them.
 * @throws MlnodeBenchError MLNB_CONFIG naming file, line and value.
 */
export async function loadLengths(file: string): Promise<Array<{ promptTokens: number; outputTokens: number }>> {
  const text = await readTextFile(file, { what: 'lengths file' })
  const out: Array<{ promptTokens: number; outputTokens: number }> = []
  text.split(/\r?\n/).forEach((line, i) => {
    const cells = line.split(',').map((c) => c.trim())
    if (line.trim() === '' || (i === 0 && !/^\d/.test(cells[0] ?? ''))) return
    const [prompt, output] = cells.map(Number)
    if (cells.length !== 2 || !Number.isInteger(prompt) || !Number.isInteger(output) || prompt! < 1 || output! < 1) {
      throw new MlnodeBenchError('MLNB_CONFIG', `${file}: line ${i + 1} = "${line}": expected "prompt_tokens,output_tokens", two positive integers`, { details: { file, line: i + 1, value: line } })
    }
    out.push({ promptTokens: prompt!, outputTokens: output! })
  })
  if (out.length === 0) throw new MlnodeBenchError('MLNB_CONFIG', `${file}: no "prompt_tokens,output_tokens" row`, { details: { file } })
  return out
}
