/**
 * Feasibility before deploy: when the target's GPUs are known, a variant the performance model
 * says cannot start (out of memory, heads, KV heads, max model len…) fails with the model's
 * reason and is never sent to MLNode (a failed start can leave a real node restarting).
 */
import { MlnodeBenchError } from '../errors.js'
import { checkVariant, describeProblems, getHardwareProfile, getModelSpec, type HardwareProfile, type ModelSpec } from '../model/index.js'
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
 * Throws when the model says the variant cannot start on `box`; silent when the box or the model
 * is unknown (nothing to check against).
 * @throws MlnodeBenchError `MLNB_LAYOUT` with every reason the model found.
 */
export function assertFeasible(box: HardwareProfile | undefined, request: DeployRequest, label: string): void {
  const model = catalogModel(request.model)
  if (box === undefined || model === undefined) return
  const { problems } = checkVariant(box, model, request.variant, request.dtype)
  if (problems.length === 0) return
  throw new MlnodeBenchError(
    'MLNB_LAYOUT',
    `${label} cannot start on ${box.id} (performance model, checked before deploying; nothing was deployed): ${describeProblems(problems)}`,
    { details: { model: request.model, variant: request.variant.name, hardware: box.id, problems } },
  )
}
