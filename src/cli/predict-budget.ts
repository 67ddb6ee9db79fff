/**
 * Up-front cost of `mlnode-bench predict`. The simulated engine handles (and records) one event
 * per generated token plus one per prefill chunk, so requests × (max_tokens + prefill chunks)
 * bounds its work. Over the budget predict refuses at once instead of running for minutes.
 */
import { usageError } from './parse-options.js'

/**
 * Default budget of simulated token events: about 5 s and 0.5 GB on a 2-core machine. Predicted
 * steady-state figures settle within a few hundred requests, far below it.
 */
export const DEFAULT_MAX_EVENTS = 5_000_000

/** One workload as predict would simulate it. */
export interface WorkloadSize {
  /** Experiment name, shown in the refusal. */
  name: string
  requests: number
  promptTokens: number
  outputTokens: number
}

/** Simulated token events of one workload: each request's output tokens and prefill chunks. */
export function workloadEvents(w: WorkloadSize, maxNumBatchedTokens: number): number {
  return w.requests * (w.outputTokens + prefillChunks(w.promptTokens, maxNumBatchedTokens))
}

function prefillChunks(promptTokens: number, maxNumBatchedTokens: number): number {
  return Math.ceil(promptTokens / Math.max(1, maxNumBatchedTokens))
}

/** Where the workloads came from, for the advice in the refusal. */
export type WorkloadSource = { kind: 'options' } | { kind: 'file'; file: string }

/**
 * Refuses workloads whose total exceeds `maxEvents`, naming the biggest one and a request count
 * that would fit.
 * @throws MlnodeBenchError MLNB_USAGE (exit code 2).
 */
export function checkPredictBudget(workloads: readonly WorkloadSize[], maxNumBatchedTokens: number, maxEvents: number, source: WorkloadSource): void {
  const sized = workloads.map((w) => ({ w, events: workloadEvents(w, maxNumBatchedTokens) }))
  const total = sized.reduce((s, x) => s + x.events, 0)
  if (total <= maxEvents) return
  const { w, events } = sized.reduce((a, b) => (b.events > a.events ? b : a))
  const perRequest = w.outputTokens + prefillChunks(w.promptTokens, maxNumBatchedTokens)
  const fitting = Math.max(1, Math.floor((maxEvents - (total - events)) / perRequest))
  const n = (x: number) => x.toLocaleString('en-US')
  const size = `${n(w.requests)} request(s) × (${n(w.outputTokens)} output token(s) + ${n(prefillChunks(w.promptTokens, maxNumBatchedTokens))} prefill chunk(s))`
  const tooBigAlone = perRequest > maxEvents - (total - events)
  const advice =
    source.kind === 'options'
      ? tooBigAlone
        ? 'Even one request exceeds it: use a smaller --max-tokens or --prompt-tokens'
        : `Use --requests ${n(Math.min(fitting, 1000))} or fewer (steady-state figures settle within a few hundred requests) or a smaller --max-tokens`
      : `Lower num_tasks${tooBigAlone ? '' : ` (about ${n(fitting)} fit)`} or max_tokens of experiment "${w.name}" in ${source.file}`
  throw usageError(
    'predict',
    `refusing a workload of about ${n(total)} simulated token events, over the --max-events budget of ${n(maxEvents)} ` +
      `(${maxEvents === DEFAULT_MAX_EVENTS ? 'the default, a few seconds of work' : `the default ${n(DEFAULT_MAX_EVENTS)} answers within seconds`}): "${w.name}" alone is ${size}. ${advice}; or raise --max-events to accept a longer run.`,
    { option: 'max-events', value: maxEvents, events: total, workload: w.name },
  )
}
