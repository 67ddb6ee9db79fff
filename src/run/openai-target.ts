/**
 * The plain OpenAI target (`MLNODE_BENCH_TARGET=openai`): a server someone already started
 * (`vllm serve …`, or any OpenAI-compatible endpoint). Nothing is deployed or taken down; each
 * variant is measured at its own endpoint (suite option `openaiEndpoints`) or, without that map,
 * the one "as deployed" variant at INFERENCE_URL. The API key comes from an environment variable
 * read here, in the worker, and only ever travels in the `authorization` header.
 */
import { request } from 'undici'
import { MlnodeBenchError, redact } from '../errors.js'
import type { MetricsSources } from './metrics-sources.js'
import { parseEndpoint } from '../mlnode/endpoint.js'
import type { TargetInfo } from '../contracts/results.js'
import type { DeployedVariant, DeployRequest, LoadEndpoint, Target, TargetDescription } from './target.js'

/** The variant name measured when a suite maps no variant to an endpoint. */
export const AS_DEPLOYED = 'as-deployed'

export interface OpenAiTargetOptions {
  /** INFERENCE_URL: the as-deployed variant's endpoint. */
  inferenceUrl: string
  /** Variant name → its own endpoint (suite option `openaiEndpoints`). */
  endpoints?: Readonly<Record<string, string>>
  /** Name of the environment variable holding the API key. */
  apiKeyEnv: string
  /** The suite file, for errors. */
  source: string
}

export class OpenAiTarget implements Target {
  private readonly described = new Map<string, Promise<TargetInfo>>()

  /**
   * Checks every URL at collection: a URL without a scheme (`127.0.0.1:8000`) or of another
   * scheme would otherwise leave every request unsent and the run showing "0 in flight".
   * @throws MlnodeBenchError MLNB_CONFIG naming the suite, the variable or field, and the value.
   */
  constructor(private readonly options: OpenAiTargetOptions) {
    checkUrl(options.inferenceUrl, 'INFERENCE_URL', options.source)
    for (const [variant, url] of Object.entries(options.endpoints ?? {})) checkUrl(url, `openaiEndpoints["${variant}"]`, options.source)
  }

  /** Request headers carrying the key, if the variable is set (never printed). */
  private headers(): Record<string, string> {
    const key = process.env[this.options.apiKeyEnv]
    return key ? { authorization: `Bearer ${key}` } : {}
  }

  endpoint(request: DeployRequest): LoadEndpoint {
    const { endpoints, inferenceUrl, source } = this.options
    return { inferenceUrl: endpointOf(request.variant.name, endpoints, inferenceUrl, source), headers: this.headers() }
  }

  /** `vllm serve` has its Prometheus page at the root of its API server. */
  metricsSources(request: DeployRequest): MetricsSources {
    return { urls: [`${this.endpoint(request).inferenceUrl}/metrics`], unavailable: [] }
  }

  /**
   * What answers at the variant's endpoint: the simulator says so in its `x-mlnode-sim*` headers
   * (its numbers are then labelled simulated, and measured on simulated time when it runs on it);
   * anything else is an OpenAI-compatible server of unknown hardware.
   */
  async describe(request?: DeployRequest): Promise<TargetDescription> {
    const url = request ? this.endpoint(request).inferenceUrl : this.options.inferenceUrl
    let info = this.described.get(url)
    if (!info) this.described.set(url, (info = this.probe(url)))
    return { info: await info, gpuCount: 0 }
  }

  private async probe(inferenceUrl: string): Promise<TargetInfo> {
    const url = redact(inferenceUrl)
    let sim: { hardware: string; speed: string } | undefined
    try {
      const res = await request(`${inferenceUrl.replace(/\/+$/, '')}/v1/models`, { headers: this.headers(), headersTimeout: 30_000, bodyTimeout: 30_000 })
      await res.body.dump()
      const header = (name: string) => [res.headers[name]].flat()[0]
      if (header('x-mlnode-sim') === '1') sim = { hardware: header('x-mlnode-sim-hardware') ?? 'unknown', speed: header('x-mlnode-sim-speed') ?? '1' }
    } catch {
      // Unreachable now: the workload's requests report it as connection failures.
    }
    if (sim === undefined) return { kind: 'openai', hardware: 'unknown (OpenAI-compatible endpoint)', url }
    if (sim.speed !== 'virtual' && Number(sim.speed) !== 1) {
      throw new MlnodeBenchError('MLNB_CONFIG', `the simulator at ${url} runs on a wall clock at x${sim.speed} speed: benchmark it on simulated time (mlnode-bench sim without --speed) or at --speed 1`)
    }
    return { kind: 'simulated', hardware: sim.hardware, ...(sim.speed === 'virtual' ? { simulatedTime: true } : {}), url }
  }

  prepare(): Promise<void> {
    return Promise.resolve()
  }

  /** Nothing to deploy: the server is measured as it runs. */
  async ready(request: DeployRequest): Promise<DeployedVariant> {
    return { target: (await this.describe(request)).info }
  }

  async close(): Promise<void> {}
}

function checkUrl(url: string, what: string, source: string): void {
  try {
    parseEndpoint(url, what)
  } catch (error) {
    const message = `${source}: ${(error as Error).message} (an OpenAI API root with its scheme, e.g. http://127.0.0.1:8000)`
    throw new MlnodeBenchError('MLNB_CONFIG', message, { cause: error, details: { file: source, field: what, value: redact(url) } })
  }
}

/** The endpoint of a variant: its own in `endpoints`, else INFERENCE_URL for the as-deployed one. */
export function endpointOf(variant: string, endpoints: Readonly<Record<string, string>> | undefined, inferenceUrl: string, source: string): string {
  if (endpoints === undefined) return inferenceUrl
  const url = endpoints[variant]
  if (url === undefined) throw new MlnodeBenchError('MLNB_CONFIG', `${source}: openaiEndpoints has no endpoint for variant "${variant}"`, { details: { file: source, field: 'openaiEndpoints', variant } })
  return url
}
