/**
 * Feasibility before deploy: when the target's GPUs are known, a variant the performance model
 * says certainly cannot start (heads, KV heads, GPUs, args, weights above the GPU's memory…)
 * fails with the model's reason and is never sent to MLNode (a failed start can leave a real node
 * restarting). A memory margin within the model's known error is a warning: the variant deploys
 * (the real node decides) and the warning goes to the console and the results.
 */
import { MlnodeBenchError } from '../errors.js'
import { checkVariant, describeProblems, describeUncertain, getHardwareProfile, getModelSpec, type HardwareProfile, type ModelSpec } from '../model/index.js'
import type { DeployRequest } from './target.js'

/** A hardware profile by id, or undefined when the catalog does not know it. */
export function knownProfile(id: string): HardwareProfile | undefined {
  try {
    return getHardwareProfile(id)
  } catch {
    return undefined
  }
}

function catalogModel(id: string): ModelSpec | undefined {
  try {
    return getModelSpec(id)
  } catch {
    return undefined
  }
}

/**
 * Throws when the model says the variant certainly cannot start on `box`; returns the warning
 * when it may not start (the caller tells it, events.ts); undefined when the box or the model is
 * unknown (nothing to check against).
 * @throws MlnodeBenchError `MLNB_LAYOUT` with every certain reason the model found.
 */
export function assertFeasible(box: HardwareProfile | undefined, request: DeployRequest, label: string): string | undefined {
  const model = catalogModel(request.model)
  if (box === undefined || model === undefined) return undefined
  const { certain, uncertain } = checkVariant(box, model, request.variant, request.dtype)
  if (certain.length > 0) {
    // The caller prints the refusal with its deploy failure.
    const refused = `${label} cannot start on ${box.id} (performance model, checked before deploying; nothing was deployed): ${describeProblems(certain)}${uncertain.length > 0 ? `; also ${describeUncertain(uncertain)}` : ''}`
    throw new MlnodeBenchError('MLNB_LAYOUT', refused, { details: { model: request.model, variant: request.variant.name, hardware: box.id, problems: certain, uncertain } })
  }
  if (uncertain.length === 0) return undefined
  return `may not start on ${box.id} (performance model; deploying anyway, the node decides): ${describeUncertain(uncertain)}`
}
