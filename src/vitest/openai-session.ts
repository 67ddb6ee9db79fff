/**
 * The plain OpenAI target (`MLNODE_BENCH_TARGET=openai`): a server someone already started
 * (`vllm serve …`, or any OpenAI-compatible endpoint). Nothing is deployed or taken down; each
 * variant is measured at its own endpoint (suite option `openaiEndpoints`) or, without that map,
 * the one "as deployed" variant at INFERENCE_URL. The API key comes from an environment variable
 * read here, in the worker, and only ever travels in the `authorization` header.
 */
import { MlnodeBenchError, redact } from '../errors.js'
import type { TargetInfo } from '../report/model.js'
import type { DeployedVariant, DeployRequest } from './session.js'

/** The variant name measured when a suite maps no variant to an endpoint. */
export const AS_DEPLOYED = 'as-deployed'

export class OpenAiSession {
  readonly info: TargetInfo

  constructor(
    readonly target: { inferenceUrl: string },
    private readonly apiKeyEnv: string,
  ) {
    this.info = { kind: 'openai', hardware: 'unknown (OpenAI-compatible endpoint)', url: redact(target.inferenceUrl) }
  }

  /** Request headers carrying the key, if the variable is set (never printed). */
  headers(): Record<string, string> {
    const key = process.env[this.apiKeyEnv]
    return key ? { authorization: `Bearer ${key}` } : {}
  }

  async describe(): Promise<{ info: TargetInfo; gpuCount: number }> {
    return { info: this.info, gpuCount: 0 }
  }

  prepare(): Promise<void> {
    return Promise.resolve()
  }

  /** Nothing to deploy: the server is measured as it runs. */
  async ready(_request: DeployRequest): Promise<DeployedVariant> {
    return { target: this.info, readyAfterS: 0 }
  }

  async close(): Promise<void> {}
}

/** The endpoint of a variant: its own in `endpoints`, else INFERENCE_URL for the as-deployed one. */
export function endpointOf(variant: string, endpoints: Readonly<Record<string, string>> | undefined, inferenceUrl: string, source: string): string {
  if (endpoints === undefined) return inferenceUrl
  const url = endpoints[variant]
  if (url === undefined) throw new MlnodeBenchError('MLNB_CONFIG', `${source}: openaiEndpoints has no endpoint for variant "${variant}"`, { details: { file: source, field: 'openaiEndpoints', variant } })
  return url
}
