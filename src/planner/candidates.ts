/**
 * The variants `plan` considers on one box: every TP × PP layout that fits the GPUs (instances as
 * MLNode places them), and speed-only knobs to try on the best layouts. Each candidate is the
 * variant args a suite would hold, guarded against the mandatory args like a suite's variants.
 */
import { assertVariantAllowed, guardVariant, planDeploy, type DeployPlan } from '../args/index.js'
import { defaultBatchLimits, type HardwareProfile } from '../model/index.js'

export interface Candidate {
  /** Suite variant name, e.g. "tp4-pp2" or "tp4-pp2-mnbt4096". */
  name: string
  /** Variant args (on top of the mandatory args). */
  variantArgs: string[]
  /** The deploy plan of mandatory + variant args; absent when the guard refused the variant. */
  plan?: DeployPlan
  /** Why the guard refused it (a knob or layout the mandatory args fix). */
  guard?: string
}

export interface CandidateContext {
  model: string
  mandatoryArgs: string[]
  dtype: string
  hardware: HardwareProfile
}

function candidate(ctx: CandidateContext, name: string, variantArgs: string[]): Candidate {
  const input = { model: ctx.model, variant: name, mandatoryArgs: ctx.mandatoryArgs, variantArgs, dtype: ctx.dtype, referenceDtype: ctx.dtype }
  const violations = guardVariant(input)
  if (violations.length > 0) return { name, variantArgs, guard: violations.map((v) => v.message).join('; ') }
  return { name, variantArgs, plan: planDeploy(ctx.model, assertVariantAllowed(input)) }
}

/** TP × PP layouts with TP*PP <= GPUs, largest instances first (TP ascending within). */
export function layoutCandidates(ctx: CandidateContext): Candidate[] {
  const out: Candidate[] = []
  const gpus = ctx.hardware.gpuCount
  for (let size = gpus; size >= 1; size--) {
    for (let tp = 1; tp <= size; tp++) {
      if (size % tp !== 0) continue
      const pp = size / tp
      const args = pp === 1 ? ['-tp', String(tp)] : ['-tp', String(tp), '-pp', String(pp)]
      out.push(candidate(ctx, `tp${tp}-pp${pp}`, args))
    }
  }
  return out
}

/**
 * The same layout with `--enable-expert-parallel`: for a MoE checkpoint whose block-quantised
 * expert shards do not divide by TP (vLLM's block_n check), expert parallelism keeps experts
 * whole, which is how such checkpoints run at that TP (docs/perf-model.md §3). Undefined when the
 * guard refuses it.
 */
export function expertParallelCandidate(ctx: CandidateContext, layout: Pick<Candidate, 'name' | 'variantArgs'>): Candidate | undefined {
  const c = candidate(ctx, `${layout.name}-ep`, [...layout.variantArgs, '--enable-expert-parallel'])
  return c.guard === undefined ? c : undefined
}

/**
 * Speed-only knobs tried on a good layout: a larger prefill budget (vLLM's API-server default
 * is 2048 tokens per step below 70 GiB), more KV memory (gpu-memory-utilization 0.95), a
 * smaller batch cap (lower TPOT under high concurrency), and whole prefills instead of chunks.
 * Without chunked prefill vLLM refuses a step budget below max_model_len (SchedulerConfig's
 * check), so that knob sets both, explicitly: `--no-enable-chunked-prefill` is vLLM v0.9+'s
 * spelling (v0.8.1 wrote `--enable-chunked-prefill false`; both parse here). Knobs the mandatory
 * args fix are refused by the guard and left out.
 */
export function knobCandidates(ctx: CandidateContext, layout: Pick<Candidate, 'name' | 'variantArgs'> & { maxModelLen?: number }): Candidate[] {
  const defaults = defaultBatchLimits(ctx.hardware)
  const knobs: Array<[suffix: string, args: string[]]> = []
  for (const factor of [2, 4]) {
    const tokens = defaults.maxNumBatchedTokens * factor
    if (tokens <= 16384) knobs.push([`mnbt${tokens}`, ['--max-num-batched-tokens', String(tokens)]])
  }
  knobs.push(['gmu0.95', ['--gpu-memory-utilization', '0.95']])
  knobs.push([`seqs${defaults.maxNumSeqs / 4}`, ['--max-num-seqs', String(defaults.maxNumSeqs / 4)]])
  if (layout.maxModelLen !== undefined) knobs.push(['nochunk', ['--no-enable-chunked-prefill', '--max-num-batched-tokens', String(Math.max(layout.maxModelLen, defaults.maxNumBatchedTokens))]])
  return knobs.map(([suffix, args]) => candidate(ctx, `${layout.name}-${suffix}`, [...layout.variantArgs, ...args])).filter((c) => c.guard === undefined)
}
