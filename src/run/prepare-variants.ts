/**
 * Collection-time validation of a deployment suite: every variant is guarded (mandatory args
 * unchanged, nothing else inference-affecting) and laid out on the GPUs, and ALL problems of
 * ALL variants are reported in one error before anything is deployed.
 */
import { assertVariantAllowed, guardVariant, layoutProblems, planDeploy, type DeployPlan } from '../args/index.js'
import { MlnodeBenchError } from '../errors.js'
import { getModelSpec } from '../model/index.js'
import type { LayoutModel } from '../args/index.js'
import { describeSource } from '../network/registry.js'
import type { ResolvedDeploymentSuiteOptions } from './suite-options.js'

/** A variant's deploy plan (src/args/deploy-plan.ts), computed once here and passed down. */
export interface PreparedVariant extends DeployPlan {
  name: string
}

/** Heads and layers of a catalogued model, to check TP/PP before deploying; undefined otherwise. */
export function layoutModelOf(modelId: string): LayoutModel | undefined {
  try {
    const spec = getModelSpec(modelId)
    return { id: spec.id, attentionHeads: spec.numAttentionHeads, layers: spec.numLayers }
  } catch {
    return undefined
  }
}

/**
 * @param gpuCount GPUs of the target when known at collection (simulated profile); otherwise the
 *   layout is checked again at deploy time against what MLNode reports.
 * @throws MlnodeBenchError `MLNB_ARGS_GUARD` listing every violation of every variant.
 */
export function prepareVariants(options: ResolvedDeploymentSuiteOptions, source: string, gpuCount?: number): PreparedVariant[] {
  const problems: string[] = []
  const prepared: PreparedVariant[] = []
  const model = layoutModelOf(options.model)
  const names = Object.keys(options.variants)
  const entry = options.networkModel
  const mandatorySource = entry ? `the chain entry ${entry.id} (${describeSource(entry)})` : undefined
  if (names.length === 0) problems.push(`${source}: field "variants" of ${options.model} is empty: name at least one variant`)
  for (const name of names) {
    const input = {
      model: options.model,
      variant: name,
      mandatoryArgs: options.mandatoryArgs,
      variantArgs: options.variants[name] ?? [],
      dtype: options.dtype,
      referenceDtype: options.dtype,
      allow: options.allowArgs,
      source: `${source} variants["${name}"]`,
      ...(mandatorySource ? { mandatorySource } : {}),
    }
    try {
      const violations = guardVariant(input)
      if (violations.length > 0) {
        problems.push(...violations.map((v) => `variant "${name}": ${v.message}`))
        continue
      }
      const plan = planDeploy(options.model, assertVariantAllowed(input))
      const { tp, pp, dp } = plan
      const layout = layoutProblems({ gpuCount: gpuCount ?? Number.MAX_SAFE_INTEGER, tp, pp, dp, ...(model ? { model } : {}) })
      problems.push(...layout.map((p) => `variant "${name}": ${p}`))
      prepared.push({ name, ...plan })
    } catch (error) {
      problems.push(`variant "${name}": ${(error as Error).message}`)
    }
  }
  if (problems.length > 0) {
    throw new MlnodeBenchError(
      'MLNB_ARGS_GUARD',
      `${source}: ${problems.length} problem(s) in the variants of ${options.model}; nothing was deployed:\n  - ${problems.join('\n  - ')}`,
      { details: { model: options.model, file: source, problems } },
    )
  }
  return prepared
}
