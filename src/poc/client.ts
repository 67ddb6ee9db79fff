/**
 * Client of MLNode's PoC v2 routes (gonka-ai/gonka mlnode/packages/api/src/api/inference/pow_v2_routes.py,
 * docs/poc.md "Protocol"): `init/generate` fans out to every healthy backend with group ids
 * injected, `stop` fans out, `status` aggregates GENERATING / IDLE / MIXED, `generate` computes
 * explicit nonces. Errors become MLNB_MLNODE_HTTP with the status code, like src/mlnode/client.ts.
 */
import { Pool } from 'undici'
import { MlnodeBenchError } from '../errors.js'
import { parseEndpoint, type Endpoint } from '../mlnode/endpoint.js'
import { callJson, label, snippet } from '../mlnode/http.js'

/** PoCParamsModel (`extra="forbid"`): exactly these fields. */
export interface PocParams {
  model: string
  seq_len: number
  k_dim?: number
}

/** PoCInitGenerateRequest as MLNode takes it (group_id / n_groups are injected by MLNode). */
export interface PocInitGenerateBody {
  block_hash: string
  block_height: number
  public_key: string
  node_id: number
  node_count: number
  batch_size?: number
  params: PocParams
  url?: string
}

/** PoCGenerateRequest: explicit nonces, optionally validated against given artifacts. */
export interface PocGenerateBody extends Omit<PocInitGenerateBody, 'url'> {
  nonces: number[]
  wait?: boolean
  url?: string
  validation?: { artifacts: Array<{ nonce: number; vector_b64: string }> }
  stat_test?: { dist_threshold?: number; p_mismatch?: number; fraud_threshold?: number }
}

/** MLNode's answer to init/generate. */
export interface PocInitGenerateAnswer {
  status: string
  /** Backends that accepted. */
  backends: number
  n_groups: number
  results: Array<{ port: number; status: string }>
  errors: Array<{ port: number; error: unknown }> | null
}

/** One backend in the aggregated status (vLLM's `/api/v1/pow/status` plus its port). */
export interface PocBackendStatus {
  port: number
  status: string
  stats?: { total_processed?: number; nonces_per_second?: number } | null
  [field: string]: unknown
}

export interface PocStatusAnswer {
  /** GENERATING, IDLE, MIXED or NO_BACKENDS. */
  status: string
  backends: PocBackendStatus[]
}

/** The simulator's clock on an answer (header), seconds; absent on a real MLNode. */
export const SIM_TIME_HEADER = 'x-mlnode-bench-sim-s'

export interface PocCallControl {
  signal?: AbortSignal
  timeoutMs?: number
}

const PREFIX = '/api/v1/inference/pow'

export class PocClient {
  readonly #endpoint: Endpoint
  readonly #pool: Pool
  readonly #headers: Record<string, string>
  readonly display: string

  constructor(mgmtUrl: string, options: { headers?: Record<string, string>; timeoutMs?: number } = {}) {
    this.#endpoint = parseEndpoint(mgmtUrl, 'MLNode URL')
    this.display = this.#endpoint.display
    this.#pool = new Pool(this.#endpoint.origin, { connections: 2 })
    this.#headers = { ...options.headers }
    this.timeoutMs = options.timeoutMs ?? 30_000
  }

  readonly timeoutMs: number

  async #call(method: 'GET' | 'POST', path: string, body: unknown, control: PocCallControl): Promise<Record<string, unknown>> {
    const full = `${PREFIX}${path}`
    const { statusCode, json, text } = await callJson(this.#pool, this.#endpoint, {
      method,
      path: full,
      ...(body === undefined ? {} : { body }),
      timeoutMs: control.timeoutMs ?? this.timeoutMs,
      headers: this.#headers,
      ...(control.signal ? { signal: control.signal } : {}),
    })
    const subject = label(this.#endpoint, method, full)
    if (statusCode < 200 || statusCode >= 300) {
      const detail = typeof json === 'object' && json !== null && 'detail' in json ? (json as { detail: unknown }).detail : undefined
      const detailText = detail === undefined ? snippet(text) : snippet(typeof detail === 'string' ? detail : JSON.stringify(detail))
      throw new MlnodeBenchError('MLNB_MLNODE_HTTP', `${subject} answered HTTP ${statusCode}: ${detailText || '(empty body)'}`, {
        details: { method, path: full, endpoint: this.display, statusCode, detail: detailText },
      })
    }
    if (typeof json !== 'object' || json === null || Array.isArray(json)) {
      throw new MlnodeBenchError('MLNB_MLNODE_BAD_BODY', `${subject} answered HTTP ${statusCode} with a body that is not a JSON object: '${snippet(text)}'`, { details: { method, path: full, statusCode } })
    }
    return json as Record<string, unknown>
  }

  /** `POST …/pow/init/generate`: starts generation on every healthy backend (503 with none). */
  async initGenerate(body: PocInitGenerateBody, control: PocCallControl = {}): Promise<PocInitGenerateAnswer> {
    const json = await this.#call('POST', '/init/generate', body, control)
    if (json.status !== 'OK' || typeof json.backends !== 'number' || typeof json.n_groups !== 'number') {
      throw new MlnodeBenchError('MLNB_MLNODE_BAD_BODY', `POST ${PREFIX}/init/generate at ${this.display} answered an unexpected shape: '${snippet(JSON.stringify(json))}'`)
    }
    return json as unknown as PocInitGenerateAnswer
  }

  /** `POST …/pow/stop`: stops generation on every healthy backend. */
  async stop(control: PocCallControl = {}): Promise<Record<string, unknown>> {
    return this.#call('POST', '/stop', undefined, control)
  }

  /** `GET …/pow/status`: the aggregate and each backend's own status. */
  async status(control: PocCallControl = {}): Promise<PocStatusAnswer> {
    const json = await this.#call('GET', '/status', undefined, control)
    if (typeof json.status !== 'string' || !Array.isArray(json.backends)) {
      throw new MlnodeBenchError('MLNB_MLNODE_BAD_BODY', `GET ${PREFIX}/status at ${this.display} answered without status and backends: '${snippet(JSON.stringify(json))}'`)
    }
    return json as unknown as PocStatusAnswer
  }

  /**
   * `POST …/pow/generate`: with `wait`, the artifacts (or the validation verdict); without, a
   * queued `request_id` (`port:uuid`) to poll with `generateResult`.
   */
  async generate(body: PocGenerateBody, control: PocCallControl = {}): Promise<Record<string, unknown>> {
    return this.#call('POST', '/generate', body, control)
  }

  /** `GET …/pow/generate/{port:uuid}`: queued, completed (with its result) or failed. */
  async generateResult(requestId: string, control: PocCallControl = {}): Promise<Record<string, unknown>> {
    return this.#call('GET', `/generate/${encodeURIComponent(requestId)}`, undefined, control)
  }

  async close(): Promise<void> {
    await this.#pool.close()
  }
}
