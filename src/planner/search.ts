/**
 * `plan`'s search: check every layout candidate (drop the ones that cannot start, with the
 * reason), predict the rest on the workloads, then try speed-only knobs on the best layouts,
 * and rank everything by the objective. All figures are predictions of the performance model.
 */
import type { Slo } from '../contracts/records.js'
import { checkVariant, describeProblems, modelInstance, uncertainPricing, type ModelConstants, type ModelInstance, type ModelSpec } from '../model/index.js'
import type { SimulatedRequest } from '../sim/index.js'
import { predictWorkloads, type Prediction } from './predict-core.js'
import { expertParallelCandidate, knobCandidates, layoutCandidates, type Candidate, type CandidateContext } from './candidates.js'

/** Where the search is: its phase (layouts, then knobs of the best layouts) and counts. */
export interface PlanStep {
  phase: 'layouts' | 'knobs'
  done: number
  total: number
  rejected: number
}

export type Objective = 'throughput' | 'goodput' | 'per-gpu' | 'capacity'

export interface PlanInput extends CandidateContext {
  modelSpec: ModelSpec
  workloads: ReadonlyArray<{ name: string; requests: SimulatedRequest[]; concurrency?: number }>
  objective: Objective
  slo?: Slo
  constants?: ModelConstants
  /** Layouts whose knobs are tried. @default 2 */
  knobLayouts?: number
  /** CPU-time budget (ms) after which no more knob variants are predicted. @default 4000 */
  budgetMs?: number
  now?: () => number
  /** Called after each evaluated variant (plan-progress.ts prints from it). */
  onStep?: (step: PlanStep) => void
  /** Objective 'capacity': the candidate's predicted capacity at SLO (plan-capacity.ts). */
  capacityOf?: (plan: ModelInstance, instances: number) => number
}

export interface RankedVariant {
  name: string
  variantArgs: string[]
  tp: number
  pp: number
  instances: number
  idleGpus: number
  kvCapacityTokens: number
  /** The engine's max_model_len (the model's default unless the args set it). */
  maxModelLen: number
  /** The objective's figure: geometric mean over the workloads. */
  score: number
  predictions: Prediction[]
  /**
   * Set when a memory margin is within the model's known error: the layout may not start (the
   * predicted margin and the error). Ranked anyway: only a real start settles it.
   */
  mayNotStart?: string
}

export interface RejectedVariant {
  name: string
  variantArgs: string[]
  /** Problem kinds (heads, kv-heads, oom, max-model-len, gpus, data-parallel, guard, workload…). */
  kinds: string[]
  reason: string
}

export interface PlanOutcome {
  ranked: RankedVariant[]
  rejected: RejectedVariant[]
  /** Knob variants predicted no better than their layout (not ranked). */
  noGain: string[]
  /** Set when the knob search stopped at the time budget. */
  cutShort?: string
}

const geometricMean = (xs: readonly number[]): number => Math.exp(xs.reduce((s, x) => s + Math.log(Math.max(x, 1e-9)), 0) / Math.max(1, xs.length))

function scoreOf(objective: Objective, predictions: readonly Prediction[], gpusUsed: number): number {
  if (objective === 'goodput') return geometricMean(predictions.map((p) => p.metrics.goodputRequestsPerS ?? 0))
  const throughput = geometricMean(predictions.map((p) => p.figures.output_tokens_per_s))
  return objective === 'per-gpu' ? throughput / gpusUsed : throughput
}

/** Evaluates one candidate: a ranked variant, or why it is rejected. */
function evaluate(input: PlanInput, c: Candidate): RankedVariant | RejectedVariant {
  return evaluateOrCheck(input, c, true)
}

/** With `predict` false, a variant that can start comes back ranked with no predictions. */
function evaluateOrCheck(input: PlanInput, c: Candidate, predict: boolean): RankedVariant | RejectedVariant {
  if (c.plan === undefined) return { name: c.name, variantArgs: c.variantArgs, kinds: ['guard'], reason: c.guard ?? 'refused by the guard' }
  const check = checkVariant(input.hardware, input.modelSpec, c.plan, input.dtype, input.constants)
  if (check.certain.length > 0 || check.engine === undefined) {
    return { name: c.name, variantArgs: c.variantArgs, kinds: [...new Set(check.certain.map((p) => p.kind))], reason: describeProblems(check.certain) }
  }
  const { engine, accept, mayNotStart } = uncertainPricing(check.engine, check.uncertain)
  const plan = modelInstance(input.hardware, input.modelSpec, engine, { ...(input.constants === undefined ? {} : { constants: input.constants }), accept })
  const maybe = mayNotStart === undefined ? {} : { mayNotStart }
  if (!predict) return { name: c.name, variantArgs: c.variantArgs, tp: c.plan.tp, pp: c.plan.pp, instances: check.instances, idleGpus: 0, kvCapacityTokens: plan.kvCapacityTokens, maxModelLen: check.engine.maxModelLen, score: 0, predictions: [], ...maybe }
  const predictions = predictWorkloads({ plan, instances: check.instances, workloads: input.workloads, ...(input.slo === undefined ? {} : { slo: input.slo }) })
  const failed = predictions.reduce((s, p) => s + p.metrics.requests.failed, 0)
  if (failed > 0) {
    return {
      name: c.name,
      variantArgs: c.variantArgs,
      kinds: ['workload'],
      reason: `${failed} request(s) of the workloads would be refused (prompt + max_tokens above max_model_len ${check.engine.maxModelLen}, or more than the ${plan.kvCapacityTokens} KV tokens an instance holds)`,
    }
  }
  const gpusUsed = check.instances * c.plan.gpusPerInstance
  return {
    name: c.name,
    variantArgs: c.variantArgs,
    tp: c.plan.tp,
    pp: c.plan.pp,
    instances: check.instances,
    idleGpus: input.hardware.gpuCount - gpusUsed,
    kvCapacityTokens: plan.kvCapacityTokens,
    maxModelLen: check.engine.maxModelLen,
    score: input.objective === 'capacity' && input.capacityOf ? input.capacityOf(plan, check.instances) : scoreOf(input.objective, predictions, gpusUsed),
    predictions,
    ...maybe,
  }
}

/** Relative score gain a knob needs over its layout to be ranked (below it is noise). */
const MIN_KNOB_GAIN = 0.005

const cpuMs = (): number => {
  const { user, system } = process.cpuUsage()
  return (user + system) / 1000
}

const isRanked = (x: RankedVariant | RejectedVariant): x is RankedVariant => 'score' in x
const byScore = (a: RankedVariant, b: RankedVariant): number => b.score - a.score || a.name.localeCompare(b.name)

/** Runs the search. Deterministic except for where the time budget cuts the knob search. */
export function searchPlan(input: PlanInput): PlanOutcome {
  // CPU time of this process: a busy machine does not cut the search short (wall time would).
  const now = input.now ?? cpuMs
  const started = now()
  const ranked: RankedVariant[] = []
  const rejected: RejectedVariant[] = []
  const take = (x: RankedVariant | RejectedVariant): void => void (isRanked(x) ? ranked.push(x) : rejected.push(x))
  const gpus = input.hardware.gpuCount
  const layouts = layoutCandidates(input)
  for (const [i, layout] of layouts.entries()) {
    // A layout that leaves GPUs idle is only checked: the same instances with all GPUs in use
    // (more TP or PP) is the one worth predicting.
    const idle = layout.plan === undefined ? 0 : gpus % layout.plan.gpusPerInstance
    let c = layout
    let result = evaluateOrCheck(input, c, idle === 0)
    // A MoE checkpoint whose expert shards break vLLM's block-quant rule runs with expert parallelism.
    const ep = !isRanked(result) && result.kinds.length > 0 && result.kinds.every((k) => k === 'block-quant') && input.modelSpec.moe !== undefined ? expertParallelCandidate(input, layout) : undefined
    if (ep !== undefined) {
      rejected.push(result as RejectedVariant)
      c = ep
      result = evaluateOrCheck(input, c, idle === 0)
    }
    if (idle > 0 && isRanked(result)) {
      rejected.push({ name: c.name, variantArgs: c.variantArgs, kinds: ['idle-gpus'], reason: `starts but leaves ${idle} GPU(s) idle; not predicted` })
    } else take(result)
    input.onStep?.({ phase: 'layouts', done: i + 1, total: layouts.length, rejected: rejected.length })
  }
  ranked.sort(byScore)
  let cutShort: string | undefined
  const noGain: string[] = []
  const budgetMs = input.budgetMs ?? 4000
  const knobs = ranked.slice(0, input.knobLayouts ?? 2).flatMap((layout) => knobCandidates(input, layout).map((knob) => ({ layout, knob })))
  for (const [i, { layout, knob }] of knobs.entries()) {
    if (now() - started > budgetMs) {
      cutShort ??= `knob search stopped at the ${(budgetMs / 1000).toFixed(0)} s CPU budget before ${knob.name}`
      continue
    }
    const result = evaluate(input, knob)
    // A knob earns a row only by beating its layout; the others are named once.
    if (isRanked(result) && result.score <= layout.score * (1 + MIN_KNOB_GAIN)) noGain.push(result.name)
    else take(result)
    input.onStep?.({ phase: 'knobs', done: i + 1, total: knobs.length, rejected: rejected.length })
  }
  ranked.sort(byScore)
  return { ranked, rejected, noGain, ...(cutShort === undefined ? {} : { cutShort }) }
}
