/** The network's inference validation per variant: the CompareLogits port, probes, record/check, the suite option. */
import type { WorkloadSpec } from '../contracts/workload.js'
import { MlnodeBenchError } from '../errors.js'
import { resolveValidation, type ValidationOptions, type ValidationPlan } from './options.js'

export { compareLogits, customSimilarity, positionDistance, similarityPassesThreshold, LEGACY_SIMILARITY_THRESHOLD } from './compare-logits.js'
export type { CompareOutcome, PositionLogprobs, TopLogprob } from './compare-logits.js'
export { checkProbes, recordProbes } from './check.js'
export type { CheckOutcome, ValidationMode } from './check.js'
export { buildProbes, probeBody } from './probes.js'
export { readReference, writeReference } from './reference.js'
export type { RecordedReference } from './reference.js'
export { resolveThreshold } from './thresholds.js'
export type { ValidationOptions, ValidationPlan, ValidationSampling } from './options.js'

/** The suite's validation, resolved, and the workload-shaped description its benches carry. */
export function planValidation(options: ValidationOptions, ctx: { model: string; variants: readonly string[]; file: string; source: string; workloads: readonly string[] }): { plan: ValidationPlan; spec: WorkloadSpec } {
  // The validation results are told apart by their workload name.
  if (ctx.workloads.includes('validation')) throw new MlnodeBenchError('MLNB_CONFIG', `${ctx.source}: a workload of ${ctx.model} is named "validation", the name of the validation step: rename it`, { details: { file: ctx.source, field: 'workloads', value: 'validation' } })
  const plan = resolveValidation(options, ctx)
  const spec: WorkloadSpec = { name: 'validation', requests: plan.prompts, concurrency: 1, prompt: { tokens: 1 }, maxTokens: plan.maxTokens, description: `inference validation against ${plan.referenceFile ?? plan.reference} (threshold ${plan.threshold.value})` }
  return { plan, spec }
}
