/**
 * Client of MLNode's management REST API (docs/mlnode.md "Management API") on undici. Every call has a timeout;
 * new-style errors (409/500 `{"detail"}`) and old-style ones (HTTP 200 `{"status":"ERROR",
 * "message"}`, MLNode before late 2025) both become MLNB_MLNODE_HTTP with `details.statusCode`.
 */
import { Pool } from 'undici'
import { MlnodeBenchError, hasCode, isMlnodeBenchError } from '../errors.js'
import { parseEndpoint, type Endpoint } from './endpoint.js'
import { callJson, label, snippet } from './http.js'
import { tooOld } from './version.js'
import { waitUntilReady, type ReadyResult, type WaitUntilReadyOptions } from './ready.js'
import type {
  CallControl,
  GpuDevicesResponse,
  MlnodeCalls,
  HealthResponse,
  ModelsResponse,
  OkResponse,
  PowStatusResponse,
  StateResponse,
  UpAsyncResponse,
  UpRequest,
  UpStatusResponse,
} from './types.js'

export interface MlnodeClientOptions {
  /** Management base URL (port 8080 in the container). Credentials in it are sent, never shown. */
  url: string
  /** Timeout of every call except the blocking `up`. @default 30_000 */
  requestTimeoutMs?: number
  /** Timeout of the blocking `POST /api/v1/inference/up` (start-up can take 20 min). @default 1_200_000 */
  upTimeoutMs?: number
  /** Extra headers on every request (e.g. a proxy's auth). Never logged. @default {} */
  headers?: Record<string, string>
}

export interface ResolvedMlnodeClientOptions {
  /** The management URL with credentials removed (the raw one stays private to the client). */
  url: string
  requestTimeoutMs: number
  upTimeoutMs: number
  /** Names of the extra headers (their values may be secrets and stay private). */
  headerNames: readonly string[]
}

export type { CallControl } from './types.js'

/**
 * MLNode v0.2.12's `down` can take 30 s (vLLM's graceful stop) + 35 s (the watcher's stop
 * blocking its event loop): give it room beyond both.
 */
export const DOWN_MIN_TIMEOUT_MS = 100_000

type Shape = (json: Record<string, unknown>) => boolean
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)
const hasStatus: Shape = (j) => typeof j.status === 'string'

export class MlnodeClient implements MlnodeCalls {
  readonly options: ResolvedMlnodeClientOptions
  /** Management URL with credentials removed: the only form that appears in messages. */
  readonly displayUrl: string
  readonly #endpoint: Endpoint
  readonly #headers: Record<string, string>
  readonly #pools = new Map<string, Pool>()

  constructor(options: MlnodeClientOptions) {
    this.#endpoint = parseEndpoint(options.url, 'MLNode URL')
    this.displayUrl = this.#endpoint.display
    this.options = {
      url: this.displayUrl,
      requestTimeoutMs: options.requestTimeoutMs ?? 30_000,
      upTimeoutMs: options.upTimeoutMs ?? 20 * 60_000,
      headerNames: Object.keys(options.headers ?? {}),
    }
    this.#headers = { ...options.headers }
  }

  #pool(endpoint: Endpoint): Pool {
    let pool = this.#pools.get(endpoint.origin)
    if (pool === undefined) {
      pool = new Pool(endpoint.origin, { connections: 4, connect: { timeout: Math.min(this.options.requestTimeoutMs, 10_000) } })
      this.#pools.set(endpoint.origin, pool)
    }
    return pool
  }

  /** JSON answer of a call; 2xx (and `extraOk`) must carry a JSON object of the expected shape. */
  async #json(
    method: 'GET' | 'POST',
    path: string,
    shape: Shape,
    control: CallControl & { body?: unknown; endpoint?: Endpoint; extraOk?: readonly number[] } = {},
  ): Promise<{ statusCode: number; json: Record<string, unknown> }> {
    const endpoint = control.endpoint ?? this.#endpoint
    const subject = label(endpoint, method, path)
    const answer = await callJson(this.#pool(endpoint), endpoint, {
      method,
      path,
      body: control.body,
      timeoutMs: control.timeoutMs ?? this.options.requestTimeoutMs,
      headers: this.#headers,
      ...(control.signal === undefined ? {} : { signal: control.signal }),
    })
    const { statusCode, json, text } = answer
    const details = { method, path, endpoint: endpoint.display, statusCode }
    const ok = (statusCode >= 200 && statusCode < 300) || (control.extraOk ?? []).includes(statusCode)
    if (!ok) {
      const detail = isObject(json) && json.detail !== undefined ? json.detail : undefined
      const detailText = detail === undefined ? snippet(text) : typeof detail === 'string' ? snippet(detail) : snippet(JSON.stringify(detail))
      throw new MlnodeBenchError('MLNB_MLNODE_HTTP', `${subject} answered HTTP ${statusCode}: ${detailText || '(empty body)'}`, {
        details: { ...details, detail: detailText },
      })
    }
    if (!isObject(json)) {
      throw new MlnodeBenchError('MLNB_MLNODE_BAD_BODY', `${subject} answered HTTP ${statusCode} with a body that is not a JSON object: '${snippet(text)}'`, {
        details,
      })
    }
    // Older MLNode reports failures as HTTP 200 {"status":"ERROR","message":…} (docs/mlnode.md "Failure behaviour").
    if (json.status === 'ERROR') {
      const message = typeof json.message === 'string' ? snippet(json.message) : snippet(text)
      throw new MlnodeBenchError('MLNB_MLNODE_HTTP', `${subject} answered HTTP ${statusCode} with status ERROR (older MLNode): ${message}`, {
        details: { ...details, detail: message, oldStyle: true },
      })
    }
    if (!shape(json)) {
      throw new MlnodeBenchError('MLNB_MLNODE_BAD_BODY', `${subject} answered an unexpected JSON shape: '${snippet(text)}'`, { details })
    }
    return { statusCode, json }
  }

  /** `POST /api/v1/inference/up`: blocks until the FIRST replica is healthy (others may still load). */
  async up(request: UpRequest, control: CallControl = {}): Promise<OkResponse> {
    const body = await this.#json('POST', '/api/v1/inference/up', hasStatus, {
      timeoutMs: this.options.upTimeoutMs,
      ...control,
      body: request,
    })
    return body.json as OkResponse
  }

  /** `POST /api/v1/inference/up/async`: `{"status":"starting",…}`; 409 when something runs. */
  async upAsync(request: UpRequest, control: CallControl = {}): Promise<UpAsyncResponse> {
    return (await this.#json('POST', '/api/v1/inference/up/async', hasStatus, { ...control, body: request })).json as UpAsyncResponse
  }

  /** `GET /api/v1/inference/up/status`. */
  async upStatus(control: CallControl = {}): Promise<UpStatusResponse> {
    const shape: Shape = (j) => typeof j.status === 'string' && typeof j.is_running === 'boolean'
    return (await this.#json('GET', '/api/v1/inference/up/status', shape, control)).json as UpStatusResponse
  }

  /** `GET /api/v1/state`. Says INFERENCE while vLLM still loads: not a readiness check. */
  async state(control: CallControl = {}): Promise<StateResponse> {
    return (await this.#json('GET', '/api/v1/state', (j) => typeof j.state === 'string', control)).json as StateResponse
  }

  /** `POST /api/v1/inference/down` (OK also when nothing runs; up to ~65 s on v0.2.12). */
  async down(control: CallControl = {}): Promise<OkResponse> {
    const timeoutMs = control.timeoutMs ?? Math.max(this.options.requestTimeoutMs, DOWN_MIN_TIMEOUT_MS)
    return (await this.#json('POST', '/api/v1/inference/down', hasStatus, { ...control, timeoutMs })).json as OkResponse
  }

  /** `POST /api/v1/stop`: stops everything. */
  async stop(control: CallControl = {}): Promise<OkResponse> {
    const timeoutMs = control.timeoutMs ?? Math.max(this.options.requestTimeoutMs, DOWN_MIN_TIMEOUT_MS)
    return (await this.#json('POST', '/api/v1/stop', hasStatus, { ...control, timeoutMs })).json as OkResponse
  }

  /** `GET /health`; an unhealthy node answers 503 with the same body (`httpStatus` tells). */
  async health(control: CallControl = {}): Promise<HealthResponse> {
    const shape: Shape = (j) => isObject(j.gpu) && typeof j.gpu.count === 'number'
    const { statusCode, json } = await this.#json('GET', '/health', shape, { ...control, extraOk: [503] }).catch((cause: unknown) => {
      if (hasCode(cause, 'MLNB_MLNODE_HTTP') && (cause as MlnodeBenchError).details.statusCode === 404) throw tooOld(this.displayUrl, 'GET /health', cause)
      throw cause
    })
    return { ...(json as Omit<HealthResponse, 'httpStatus'>), httpStatus: statusCode } as HealthResponse
  }

  /** `GET /api/v1/gpu/devices`. */
  async gpuDevices(control: CallControl = {}): Promise<GpuDevicesResponse> {
    const shape: Shape = (j) => Array.isArray(j.devices) && typeof j.count === 'number'
    return (await this.#json('GET', '/api/v1/gpu/devices', shape, control)).json as unknown as GpuDevicesResponse
  }

  /**
   * The vLLM instances MLNode started, as it reports them: the `replicas` label of
   * `mlnode_config_info` in its metrics exporter (`GET /api/v1/metrics`, gonka-ai/gonka
   * mlnode/packages/api/src/api/metrics/routes.py: the count of backend ports runner.py set up,
   * `min(INFERENCE_MAX_INSTANCES, GPUs / (TP×PP))`). Undefined where MLNode does not say (v0.2.12
   * has no such route; GONKA_METRICS=off answers 404): the count is then not known, never guessed.
   */
  async startedInstances(control: CallControl = {}): Promise<number | undefined> {
    try {
      const answer = await callJson(this.#pool(this.#endpoint), this.#endpoint, {
        method: 'GET',
        path: '/api/v1/metrics',
        timeoutMs: control.timeoutMs ?? this.options.requestTimeoutMs,
        headers: this.#headers,
        ...(control.signal === undefined ? {} : { signal: control.signal }),
      })
      if (answer.statusCode !== 200) return undefined
      return startedInstancesOf(answer.text)
    } catch (error) {
      // Unanswered or refused: the calls around this one tell that story; here it is "unknown".
      if (isMlnodeBenchError(error) && error.code === 'MLNB_ABORTED') throw error
      return undefined
    }
  }

  /** `GET /api/v1/inference/pow/status`: healthy replicas; undefined on 404 (older MLNode). */
  async powStatus(control: CallControl = {}): Promise<PowStatusResponse | undefined> {
    const shape: Shape = (j) => Array.isArray(j.backends) || j.detail !== undefined
    const { statusCode, json } = await this.#json('GET', '/api/v1/inference/pow/status', shape, { ...control, extraOk: [404] })
    if (statusCode === 404) return undefined
    if (!Array.isArray(json.backends)) {
      throw new MlnodeBenchError('MLNB_MLNODE_BAD_BODY', `${label(this.#endpoint, 'GET', '/api/v1/inference/pow/status')} answered without a backends list`)
    }
    return json as PowStatusResponse
  }

  /**
   * `GET /v1/models` on the inference URL (default: MLNode's own `/v1` proxy). An inference URL
   * that already ends in `/v1` gets `/models`, any other gets `/v1/models`.
   */
  async models(inferenceUrl?: string, control: CallControl = {}): Promise<ModelsResponse> {
    const endpoint = inferenceUrl === undefined ? this.#endpoint : parseEndpoint(inferenceUrl, 'inference URL')
    const path = /\/v1$/.test(endpoint.basePath) ? '/models' : '/v1/models'
    const shape: Shape = (j) => Array.isArray(j.data) && j.data.every((m) => isObject(m) && typeof m.id === 'string')
    return (await this.#json('GET', path, shape, { ...control, endpoint })).json as unknown as ModelsResponse
  }

  /** Deploys and waits until really ready: see `waitUntilReady` in ./ready.ts. */
  async waitUntilReady(options: WaitUntilReadyOptions): Promise<ReadyResult> {
    return waitUntilReady(this, options)
  }

  /** Closes the connection pools (in-flight calls end by their own timeouts). */
  async close(): Promise<void> {
    const pools = [...this.#pools.values()]
    this.#pools.clear()
    await Promise.all(pools.map((pool) => pool.close()))
  }
}

/** `replicas` of the `mlnode_config_info` series of a Prometheus text exposition, if there. */
export function startedInstancesOf(metrics: string): number | undefined {
  const labels = /^mlnode_config_info\{([^}]*)\}/m.exec(metrics)?.[1]
  const replicas = labels === undefined ? undefined : /(?:^|,)\s*replicas="(\d+)"/.exec(labels)?.[1]
  const n = replicas === undefined ? undefined : Number(replicas)
  return n !== undefined && Number.isInteger(n) && n >= 1 ? n : undefined
}
