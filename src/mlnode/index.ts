// MLNode management REST client (undici) and the readiness sequence.
export { MlnodeClient } from './client.js'
export type { MlnodeClientOptions, ResolvedMlnodeClientOptions, CallControl } from './client.js'
export { waitUntilReady } from './ready.js'
export type { WaitUntilReadyOptions, ReadyResult, ReadyProgress, ReadyPhase } from './ready.js'
export type {
  UpRequest,
  OkResponse,
  UpAsyncResponse,
  UpStatus,
  UpStatusResponse,
  MlnodeState,
  StateResponse,
  GpuDevice,
  GpuDevicesResponse,
  HealthResponse,
  PowBackend,
  PowStatusResponse,
  ModelsResponse,
} from './types.js'
