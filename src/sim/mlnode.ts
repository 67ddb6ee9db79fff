/**
 * MLNode's management API (docs/mlnode.md "Management API"; gonka-ai/gonka mlnode/packages/api routes), served by
 * the simulator with the same statuses and bodies. FastAPI conventions: errors are
 * `{"detail": …}`, body validation errors are 422 with pydantic's detail list.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { HardwareProfile } from '../model/index.js'
import type { Deployment } from './deployment.js'
import { readBody, sendJson } from './http.js'
import { handlePoc, pocStatusBody } from './poc.js'
import type { DeployRequest } from './variant.js'

/** What the management routes need from the simulator. */
export interface MlnodeContext {
  deployment: Deployment
  hardware: HardwareProfile
  /** MLNode generation imitated (see SimulatorOptions.api). */
  api: 'current' | 'legacy'
  /** The `simulator` field of /health. */
  simulatorInfo(): Record<string, unknown>
  /** /health without its `simulator` field: clients take it for a real MLNode. */
  posingAsReal: boolean
}

interface PydanticError {
  type: string
  loc: Array<string | number>
  msg: string
  input: unknown
  ctx?: Record<string, unknown>
}

/** Validates `InferenceInitRequest {model: str, dtype: str, additional_args: List[str] = []}`. */
function validateInit(text: string): { ok: true; value: DeployRequest } | { ok: false; detail: PydanticError[] } {
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch (error) {
    return { ok: false, detail: [{ type: 'json_invalid', loc: ['body', 0], msg: 'JSON decode error', input: {}, ctx: { error: (error as Error).message } }] }
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, detail: [{ type: 'model_attributes_type', loc: ['body'], msg: 'Input should be a valid dictionary or object to extract fields from', input: body }] }
  }
  const b = body as Record<string, unknown>
  const detail: PydanticError[] = []
  for (const field of ['model', 'dtype'] as const) {
    if (!(field in b)) detail.push({ type: 'missing', loc: ['body', field], msg: 'Field required', input: b })
    else if (typeof b[field] !== 'string') detail.push({ type: 'string_type', loc: ['body', field], msg: 'Input should be a valid string', input: b[field] })
  }
  const args = b.additional_args ?? []
  if (!Array.isArray(args)) detail.push({ type: 'list_type', loc: ['body', 'additional_args'], msg: 'Input should be a valid list', input: args })
  else args.forEach((a, i) => {
    if (typeof a !== 'string') detail.push({ type: 'string_type', loc: ['body', 'additional_args', i], msg: 'Input should be a valid string', input: a })
  })
  if (detail.length > 0) return { ok: false, detail }
  return { ok: true, value: { model: b.model as string, dtype: b.dtype as string, additionalArgs: args as string[] } }
}

/**
 * `GPUDevice` of gonka-ai/gonka mlnode/packages/api/src/api/gpu/types.py, one per GPU. A replica's
 * GPUs are `[i·TP·PP, (i+1)·TP·PP)` (runner.py), stage s of it the s-th group of TP GPUs (vLLM's
 * rank = pp_rank·TP + tp_rank); utilisation is the stage's busy share of the last simulated second
 * (gpu-busy.ts), so a pipeline bubble shows as stages below 100 %.
 */
function gpuDevices(ctx: MlnodeContext): object[] {
  const { hardware, deployment } = ctx
  const plan = deployment.variant?.plan
  const tp = deployment.variant?.tp ?? 1
  const perInstance = tp * (deployment.variant?.pp ?? 1)
  const busy = new Map(deployment.replicas.map((r) => [r, r.busy.utilizationPercent(r.clock.nowS())]))
  return Array.from({ length: hardware.gpuCount }, (_, index) => {
    const replica = deployment.replicas[Math.floor(index / perInstance)]
    // A replica's GPUs hold its weights and KV cache (plus ~500 MiB CUDA context) once it loads.
    const usedMb = replica !== undefined && plan !== undefined ? Math.min(hardware.gpu.memoryMb, Math.round((plan.weightsGiBPerGpu + plan.kvGiBPerGpu) * 1024 + 500)) : 0
    const utilization = replica === undefined ? 0 : (busy.get(replica)![Math.floor((index % perInstance) / tp)] ?? 0)
    return {
      index,
      name: hardware.gpu.name,
      total_memory_mb: hardware.gpu.memoryMb,
      free_memory_mb: hardware.gpu.memoryMb - usedMb,
      used_memory_mb: usedMb,
      utilization_percent: utilization,
      temperature_c: 35 + Math.round(utilization * 0.4),
      is_available: true,
      error_message: null,
    }
  })
}

function healthBody(ctx: MlnodeContext): { status: number; body: object } {
  const d = ctx.deployment
  const devices = gpuDevices(ctx)
  const healthy = !d.unhealthy
  return {
    status: healthy ? 200 : 503,
    body: {
      status: healthy ? 'healthy' : 'unhealthy',
      service_state: d.state,
      gpu: { available: true, count: devices.length, devices },
      managers: {
        inference: { running: d.isRunning, healthy, starting: d.isStarting, replicas_total: d.replicas.length, replicas_healthy: d.healthyReplicas().length },
        pow: { running: false, healthy: true },
        train: { running: false, healthy: true },
      },
      ...(ctx.posingAsReal ? {} : { simulator: ctx.simulatorInfo() }),
    },
  }
}

function upStatusBody(d: Deployment): object {
  const body: Record<string, unknown> = { status: d.status, is_starting: d.isStarting, is_running: d.isRunning }
  if (d.status !== 'not_started') body.elapsed_seconds = Math.round(d.elapsedS * 1000) / 1000
  if (d.error !== undefined) body.error = d.error
  return body
}

/** Routes MLNode before v0.2.4 did not have (the 'legacy' generation answers them 404). */
const NOT_IN_LEGACY = new Set(['POST /api/v1/inference/up/async', 'GET /api/v1/inference/up/status', 'GET /health', 'GET /livez', 'GET /api/v1/gpu/devices', 'GET /api/v1/inference/pow/status'])

/** pow/status as v0.2.12 builds it: every port marked up, dead ones as ERROR (pow_v2_routes.py); PoC state in ./poc.ts. */
function powStatusBody(d: Deployment): object {
  return pocStatusBody(d)
}

/** Routes a management request; returns false when the path is not a management route. */
export async function handleMlnode(ctx: MlnodeContext, req: IncomingMessage, res: ServerResponse, path: string): Promise<boolean> {
  const handled = await route(ctx, req, res, path)
  // A client polling the proxy's own list is where its health loop ticks (src/sim/proxy-ports.ts).
  if (handled && path === '/api/v1/inference/pow/status') ctx.deployment.proxy.tick()
  return handled
}

async function route(ctx: MlnodeContext, req: IncomingMessage, res: ServerResponse, path: string): Promise<boolean> {
  const d = ctx.deployment
  const method = req.method ?? 'GET'
  const route = `${method} ${path}`
  if (ctx.api === 'legacy' && NOT_IN_LEGACY.has(route)) return false
  switch (route) {
    case 'POST /api/v1/inference/up':
    case 'POST /api/v1/inference/up/async': {
      const init = validateInit(await readBody(req))
      if (!init.ok) return send(res, 422, { detail: init.detail })
      if (ctx.api === 'legacy') {
        // Old routes.py: stop whatever runs, start, and report failure in a 200 body.
        if (d.isRunning || d.isStarting) d.stop()
        const result = await d.start(init.value)
        return result.ok ? send(res, 200, { status: 'OK' }) : send(res, 200, { status: 'ERROR', message: result.error })
      }
      const conflict = d.conflict()
      if (conflict !== undefined) return send(res, 409, { detail: conflict })
      const outcome = d.start(init.value)
      if (path.endsWith('/async')) return send(res, 200, { status: 'starting', message: 'Inference startup initiated in background' })
      const result = await outcome
      return result.ok ? send(res, 200, { status: 'OK' }) : send(res, 500, { detail: result.error })
    }
    case 'GET /api/v1/inference/up/status':
      return send(res, 200, upStatusBody(d))
    case 'POST /api/v1/inference/down':
    case 'POST /api/v1/stop':
      d.stop()
      return send(res, 200, { status: 'OK' })
    case 'GET /api/v1/state':
      return send(res, 200, { state: d.state })
    case 'GET /health':
    case 'GET /livez': {
      const h = healthBody(ctx)
      return send(res, h.status, h.body)
    }
    case 'GET /api/v1/gpu/devices': {
      const devices = gpuDevices(ctx)
      return send(res, 200, { devices, count: devices.length })
    }
    case 'GET /api/v1/inference/pow/status':
      return send(res, 200, powStatusBody(d))
    default:
      // PoC v2 (init/generate, stop, generate): routes of the newer MLNode only.
      return ctx.api === 'legacy' ? false : handlePoc(d, req, res, path)
  }
}

function send(res: ServerResponse, status: number, body: unknown): true {
  sendJson(res, status, body)
  return true
}
