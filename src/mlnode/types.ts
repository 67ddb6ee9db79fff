/**
 * Answers of Gonka's MLNode management API (docs/mlnode.md "Management API", read from
 * gonka-ai/gonka `mlnode/packages/api`). Fields MLNode may add later are allowed through.
 */

/** Body of `POST /api/v1/inference/up` and `/up/async`. `dtype` is required (422 without it). */
export interface UpRequest {
  model: string
  dtype: string
  /** vLLM args appended after `--model --dtype --port --host` (normalised two-token form). */
  additional_args: string[]
}

/** `{"status":"OK"}` of up, down, stop. */
export interface OkResponse {
  status: string
  [field: string]: unknown
}

/** `POST /api/v1/inference/up/async`: `{"status":"starting",…}`. */
export interface UpAsyncResponse {
  status: string
  [field: string]: unknown
}

export type UpStatus = 'not_started' | 'in_progress' | 'completed' | 'failed' | 'cancelled'

/** `GET /api/v1/inference/up/status`. */
export interface UpStatusResponse {
  status: UpStatus | (string & {})
  is_starting: boolean
  is_running: boolean
  elapsed_seconds?: number | null
  error?: string | null
  [field: string]: unknown
}

export type MlnodeState = 'STOPPED' | 'INFERENCE' | 'POW' | 'TRAIN'

/** `GET /api/v1/state` (409 when several managers run). */
export interface StateResponse {
  state: MlnodeState | (string & {})
  [field: string]: unknown
}

/** One GPU of `GET /api/v1/gpu/devices` (and of `/health` `gpu.devices`). */
export interface GpuDevice {
  index: number
  name: string
  total_memory_mb: number
  free_memory_mb: number
  used_memory_mb: number
  utilization_percent: number
  temperature_c: number
  is_available: boolean
  [field: string]: unknown
}

/** `GET /api/v1/gpu/devices`. */
export interface GpuDevicesResponse {
  devices: GpuDevice[]
  count: number
}

/** `GET /health` (200 healthy, 503 unhealthy: both carry this body). */
export interface HealthResponse {
  status: string
  service_state?: string
  gpu: { available: boolean; count: number; devices: GpuDevice[] }
  managers?: Record<string, unknown>
  /** HTTP status of the answer (200 or 503): added by the client. */
  httpStatus: number
  [field: string]: unknown
}

/** One vLLM port MLNode's proxy marks healthy (and so load-balances to). */
export interface PowBackend {
  port: number
  /**
   * The backend's own PoC status (IDLE, GENERATING…), or `ERROR` when MLNode could not reach it:
   * a dead or stale port (v0.2.12 lists ports of earlier deployments this way). Counted out.
   */
  status?: string
  /** Not sent by MLNode v0.2.12; honoured (counted out when false) for other proxies. */
  healthy?: boolean
  [field: string]: unknown
}

/** `GET /api/v1/inference/pow/status` (newer MLNode only; 404 before). */
export interface PowStatusResponse {
  status: string
  backends: PowBackend[]
  [field: string]: unknown
}

/** `GET /v1/models` of the OpenAI API. */
export interface ModelsResponse {
  object?: string
  data: Array<{ id: string; object?: string; [field: string]: unknown }>
}

/** Per-call overrides. */
export interface CallControl {
  signal?: AbortSignal
  /** @default the client's requestTimeoutMs */
  timeoutMs?: number
}

/**
 * The management calls the readiness sequence (ready.ts) makes. MlnodeClient implements them;
 * naming them here lets ready.ts take a client without importing the class that calls it.
 */
export interface MlnodeCalls {
  /** The management URL without credentials, for messages. */
  readonly displayUrl: string
  readonly options: { readonly requestTimeoutMs: number }
  upAsync(request: UpRequest, control?: CallControl): Promise<UpAsyncResponse>
  upStatus(control?: CallControl): Promise<UpStatusResponse>
  state(control?: CallControl): Promise<StateResponse>
  health(control?: CallControl): Promise<HealthResponse>
  /** Instances MLNode reports started, where its exporter says; undefined when it cannot tell. */
  startedInstances(control?: CallControl): Promise<number | undefined>
  powStatus(control?: CallControl): Promise<PowStatusResponse | undefined>
  models(inferenceUrl?: string, control?: CallControl): Promise<ModelsResponse>
}
