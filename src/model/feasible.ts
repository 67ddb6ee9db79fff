/**
 * Whether a variant can start on a box, before anything is deployed: the deploy plan's layout
 * (MLNode's instance rule, DP) plus the memory model's start-up checks (heads, KV heads, out of
 * memory, max model len), each with the message vLLM or MLNode would give.
 *
 * Each problem is either CERTAIN (a rule vLLM or MLNode applies to the args and the model's config,
 * or weights alone above the GPU's memory, or a memory shortfall beyond the model's known error)
 * or UNCERTAIN (a memory margin within the model's known error: KV cache, profile-run peak,
 * CUDA graphs, max_model_len vs KV). Only certain problems refuse a variant; uncertain ones are
 * warnings that state the predicted margin and the error (docs/perf-model.md §5c).
 */
import { placeDeployPlan, type DeployPlan } from '../args/deploy-plan.js'
import { hasCode } from '../errors.js'
import { resolveModelConstants, type ModelConstants } from './constants.js'
import { resolveEngineConfig } from './engine.js'
import type { HardwareProfile } from './hardware.js'
import { planMemory, type FeasibilityProblem, type MemoryPlan } from './memory.js'
import type { ModelSpec } from './models.js'
import type { EngineConfig } from './types.js'

/** A memory problem within the model's known error: the variant may start. */
export interface UncertainProblem extends FeasibilityProblem {
  /** Predicted memory left per GPU (negative: short), GiB. */
  marginGiB: number
  /** The memory model's known error per GPU for this variant, GiB (see memoryErrorGiB). */
  errorGiB: number
}

export interface VariantFeasibility {
  /** The engine the args resolve to; absent when the args themselves are bad. */
  engine?: EngineConfig
  /** Instances MLNode starts on the box. */
  instances: number
  /** Every problem found (certain and uncertain); empty when the model predicts a clean start. */
  problems: FeasibilityProblem[]
  /** Problems that refuse the variant: it cannot start. */
  certain: FeasibilityProblem[]
  /** Memory margins within the model's known error: the variant may not start (warn, do not refuse). */
  uncertain: UncertainProblem[]
}

/** Kinds that are rules of vLLM or MLNode on the args and the model config: never a guess. */
const RULE_KINDS: ReadonlySet<FeasibilityProblem['kind']> = new Set(['gpus', 'heads', 'kv-heads', 'block-quant', 'max-model-len', 'data-parallel', 'args'])

/**
 * The memory model's known error per GPU, GiB: what docs/perf-model.md §3/§6 measured against
 * vLLM v0.11.0 start-up logs — the CUDA-graph pool the model does not reserve (−0.9 to +0.4 GiB),
 * nvidia-smi's memory.total vs the CUDA total vLLM multiplies (0.47 GiB on an H100), the
 * profile-run peak (within 0.04 GiB) and the non-torch memory beyond TP2 (assumed, 0.41 GiB) —
 * 1.5 GiB together, plus 5 % of the weights: checkpoint tensors the parameter count leaves out
 * (quantisation scales, MoE gates, biases, MTP layers), not checked per model.
 */
export function memoryErrorGiB(weightsGiBPerGpu: number): number {
  return 1.5 + 0.05 * weightsGiBPerGpu
}

const GiB = 1024 ** 3

/** Memory left per GPU (negative: short) behind one memory problem, GiB. */
function marginOf(problem: FeasibilityProblem, memory: MemoryPlan, engine: EngineConfig, constants: ModelConstants): number {
  const heaviest = memory.stages.reduce((a, b) => (b.weightsGiB + b.activationGiB > a.weightsGiB + a.activationGiB ? b : a))
  const context = resolveModelConstants(constants).cudaContextGiB
  switch (problem.kind) {
    case 'oom':
      return memory.totalGiBPerGpu - heaviest.weightsGiB - heaviest.activationGiB - heaviest.nonTorchGiB - context
    case 'no-kv-memory':
      return memory.budgetGiBPerGpu - heaviest.weightsGiB - heaviest.activationGiB - heaviest.nonTorchGiB
    case 'kv-too-small': {
      const worst = memory.stages.reduce((a, b) => (b.kvBlocks < a.kvBlocks ? b : a))
      return (memory.kvCapacityTokens - engine.maxModelLen) * (worst.kvBytesPerToken / GiB)
    }
    default:
      return Number.NEGATIVE_INFINITY
  }
}

/**
 * Splits problems into certain and uncertain. Weights alone above the GPU's memory are certain;
 * another memory shortfall is uncertain while it is within memoryErrorGiB.
 */
export function classifyProblems(problems: readonly FeasibilityProblem[], memory: MemoryPlan | undefined, engine: EngineConfig | undefined, constants: ModelConstants = {}): Pick<VariantFeasibility, 'certain' | 'uncertain'> {
  const certain: FeasibilityProblem[] = []
  const uncertain: UncertainProblem[] = []
  for (const p of problems) {
    if (RULE_KINDS.has(p.kind) || memory === undefined || engine === undefined) {
      certain.push(p)
      continue
    }
    if (memory.weightsGiBPerGpu > memory.totalGiBPerGpu) {
      certain.push(p)
      continue
    }
    const marginGiB = marginOf(p, memory, engine, constants)
    const errorGiB = memoryErrorGiB(memory.weightsGiBPerGpu)
    if (marginGiB >= -errorGiB) uncertain.push({ ...p, marginGiB, errorGiB })
    else certain.push(p)
  }
  return { certain, uncertain }
}

/** Every reason `plan` would not start on `hardware` (empty when it would). Never throws for a bad variant. */
export function checkVariant(hardware: HardwareProfile, model: ModelSpec, plan: DeployPlan, dtype: string, constants: ModelConstants = {}): VariantFeasibility {
  const placed = placeDeployPlan(plan, hardware.gpuCount)
  const problems: FeasibilityProblem[] = []
  if (plan.dp > 1) {
    problems.push({
      kind: 'data-parallel',
      message: `--data-parallel-size ${plan.dp} needs TP*PP*DP = ${plan.gpusPerInstance} GPUs per instance, but MLNode makes only TP*PP = ${plan.tp * plan.pp} visible to each instance.`,
    })
  }
  let engine: EngineConfig
  try {
    engine = resolveEngineConfig(plan.args.values, model, hardware, dtype)
  } catch (error) {
    if (!hasCode(error, 'MLNB_ARGS_PARSE')) throw error
    const all = [...problems, { kind: 'args' as const, message: (error as Error).message }]
    return { instances: placed.layout.instances, problems: all, certain: all, uncertain: [] }
  }
  const memory = planMemory(hardware, model, engine, constants)
  problems.push(...memory.problems)
  return { engine, instances: placed.layout.instances, problems, ...classifyProblems(problems, memory, engine, constants) }
}

/** How to price a variant that may not start: as the model predicts it, planning through its uncertain problems. */
export interface UncertainPricing {
  /** The engine to plan: as configured, or with one max_model_len request's KV blocks when the model leaves none. */
  engine: EngineConfig
  /** Problem kinds modelInstance should plan through. */
  accept: Array<FeasibilityProblem['kind']>
  /** describeUncertain of the problems; absent when there are none. */
  mayNotStart?: string
}

/** The pricing of an engine whose only problems are uncertain (see VariantFeasibility). */
export function uncertainPricing(engine: EngineConfig, uncertain: readonly UncertainProblem[]): UncertainPricing {
  if (uncertain.length === 0) return { engine, accept: [] }
  const noKv = uncertain.some((p) => p.kind === 'no-kv-memory' || p.kind === 'oom')
  const priced = noKv && engine.numGpuBlocksOverride === undefined ? { ...engine, numGpuBlocksOverride: Math.ceil(engine.maxModelLen / engine.blockSize) } : engine
  return { engine: priced, accept: uncertain.map((p) => p.kind), mayNotStart: describeUncertain(uncertain) }
}

/** Uncertain problems of an engine on a box (empty when none, or when a certain one refuses it anyway). */
export function uncertainProblems(hardware: HardwareProfile, model: ModelSpec, engine: EngineConfig, constants: ModelConstants = {}): UncertainProblem[] {
  const memory = planMemory(hardware, model, engine, constants)
  const { certain, uncertain } = classifyProblems(memory.problems, memory, engine, constants)
  return certain.length > 0 ? [] : uncertain
}

/** One line naming the variant's problems, for errors and tables. */
export function describeProblems(problems: readonly FeasibilityProblem[]): string {
  return problems.map((p) => `${p.kind}: ${p.message}`).join('; ')
}

/** One line for a variant that may not start: the predicted margin against the model's known error. */
export function describeUncertain(problems: readonly UncertainProblem[]): string {
  return problems
    .map((p) => {
      const margin = p.marginGiB < 0 ? `short by ${(-p.marginGiB).toFixed(2)} GiB per GPU` : `${p.marginGiB.toFixed(2)} GiB per GPU to spare`
      return `${p.kind}: predicted ${margin}, within the memory model's known error of ±${p.errorGiB.toFixed(2)} GiB per GPU (docs/perf-model.md §5c) — ${p.message}`
    })
    .join('; ')
}
