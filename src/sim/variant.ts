/**
 * What a deployment request turns into: the served model, the GPU layout and, when vLLM could
 * run it, the per-instance model. The default resolver (resolve-variant.ts) uses src/args (parsing, parallelism) and
 * src/model (catalogs, memory planning, step cost); tests may inject their own.
 */
import { MlnodeBenchError } from '../errors.js'
import type { InstanceModel } from '../model/types.js'

/** The body of `POST /api/v1/inference/up`. */
export interface DeployRequest {
  model: string
  dtype: string
  additionalArgs: ReadonlyArray<string>
}

/** A deployment as MLNode would start it. */
export interface ResolvedVariant {
  /** Model id served on /v1/models (`--served-model-name`, else `model`). */
  servedModel: string
  tp: number
  pp: number
  /** Replicas MLNode starts (`instancesOnServer` of src/args). 0 when TP*PP exceeds the GPUs. */
  instances: number
  /** Set when vLLM can run the variant. */
  plan?: InstanceModel
  /** Replica load time overriding the simulator's startupS (e.g. a model still downloading). */
  startupS?: number
  /** Why vLLM would exit at start-up (OOM, TP not dividing heads, bad args…); set when `plan` is not. */
  failure?: string
}

/** Turns a deploy request into a variant for the simulated hardware. Must not throw for bad variants. */
export type VariantResolver = (request: DeployRequest, hardwareId: string) => ResolvedVariant

/** Wraps an unexpected resolver error as the failure reason of the variant. */
export function failureMessage(error: unknown): string {
  if (error instanceof MlnodeBenchError) return error.message
  return error instanceof Error ? error.message : String(error)
}
