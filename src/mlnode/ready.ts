/**
 * The readiness sequence that works on MLNode (docs/mlnode-v0.2.12.md): `up/async` → poll
 * `up/status` until `completed` and `is_running` (MLNode says so at the FIRST replica) → wait
 * until pow/status lists exactly the instances MLNode starts (`instancesOnServer`), none in ERROR
 * (more, or ERROR ones, are stale ports the proxy still routes to) → `GET /v1/models` lists
 * the model. The instances MLNode started are what it reports (`startedInstances`: its metrics
 * exporter, where it has one), else `instancesOnServer` under the cap the user declared
 * (INFERENCE_MAX_INSTANCES): never a cap inferred from a count that stays put for a while, since
 * pow/status lists only the healthy backends and replicas load at different speeds.
 * `/api/v1/state` is only progress: it says INFERENCE while loading.
 * Run it on a settled node (./switch.ts).
 */
import { setTimeout as delay } from 'node:timers/promises'
import { instancesOnServer, type DeployPlanShape } from '../contracts/deploy-plan.js'
import { MlnodeBenchError, hasCode, isMlnodeBenchError, type ErrorCode } from '../errors.js'
import type { MlnodeCalls, PowBackend, UpRequest } from './types.js'
import { isGone, tooOld } from './version.js'

export type ReadyPhase = 'up' | 'starting' | 'replicas' | 'models'

export interface ReadyProgress {
  elapsedS: number
  phase: ReadyPhase
  /** `/api/v1/state` (informative only). */
  state?: string
  /** `up/status` status. */
  status?: string
  healthyReplicas?: number
  expectedReplicas?: number
}

export interface WaitUntilReadyOptions {
  request: UpRequest
  /** The variant's deploy plan (its shape: src/contracts/deploy-plan.ts): layout and served names. */
  plan: Pick<DeployPlanShape, 'tp' | 'pp' | 'dp' | 'gpusPerInstance' | 'servedModelNames'>
  /** Variant name, named in errors. */
  variant?: string
  /** Overall deadline (weights load/download can take 20 min). @default 1_200_000 */
  deadlineMs?: number
  /** Pause between polls. @default 2_000 */
  pollIntervalMs?: number
  signal?: AbortSignal
  onProgress?: (progress: ReadyProgress) => void
  /** OpenAI endpoint to check `/v1/models` on. @default MLNode's own `/v1` proxy */
  inferenceUrl?: string
  /** Monotonic clock in ms (tests inject one). @default performance.now */
  now?: () => number
  /** Pause (tests inject one); must reject when `signal` aborts. @default node:timers/promises setTimeout */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>
  /** The node's instance cap (INFERENCE_MAX_INSTANCES) when known. @default 128, MLNode's default */
  instanceCap?: number
  /** Whether a log command will show MLNode's log with a failure (worded into "no reason" errors). */
  logCommandSet?: boolean
}

export interface ReadyResult {
  /** Seconds from `up/async` to a model listed by `/v1/models`. */
  elapsedS: number
  /** Healthy replicas seen on pow/status; equals `expectedReplicas` when `replicasObserved` is false. */
  replicas: number
  /** Instances MLNode starts on its GPUs (`instancesOnServer`). */
  expectedReplicas: number
  /** False on MLNode without `/api/v1/inference/pow/status` (older than late 2025). */
  replicasObserved: boolean
  /** `gpu.count` of `/health`. */
  gpuCount: number
  /** Set when MLNode reports starting fewer instances than the GPUs fit: the node's instance cap. */
  cappedAt?: number
}

const defaultSleep = async (ms: number, signal?: AbortSignal): Promise<void> => {
  await delay(ms, undefined, signal === undefined ? undefined : { signal })
}

/** Model ids `/v1/models` may list for the request: the model, or its `--served-model-name`s. */
function servedIds(request: UpRequest, plan: Pick<DeployPlanShape, 'servedModelNames'>): Set<string> {
  return new Set([request.model, ...plan.servedModelNames])
}

/** A backend pow/status lists but cannot reach: dead, or a stale port of an earlier deploy. */
export const isErrorBackend = (backend: PowBackend): boolean => backend.status === 'ERROR' || backend.healthy === false

/** "vLLM process exited prematurely: None" and friends: MLNode passed on no reason. */
const NO_REASON = /:\s*None\s*$/

export async function waitUntilReady(client: MlnodeCalls, options: WaitUntilReadyOptions): Promise<ReadyResult> {
  const { request, plan, signal, onProgress, inferenceUrl } = options
  const { tp, pp } = plan
  const now = options.now ?? (() => performance.now())
  const sleep = options.sleep ?? defaultSleep
  const deadlineMs = options.deadlineMs ?? 20 * 60_000
  const pollIntervalMs = options.pollIntervalMs ?? 2_000
  const started = now()
  const elapsedS = (): number => Math.round((now() - started) / 100) / 10
  const subject = `${request.model}${options.variant === undefined ? '' : ` variant ${options.variant}`} (tp=${tp} pp=${pp}) at ${client.displayUrl}`
  let lastSeen = 'nothing yet'
  /** Errors already phrased for this deploy: passed through as they are. */
  const phrased = new WeakSet<object>()

  const error = (code: ErrorCode, text: string, cause?: unknown): MlnodeBenchError => {
    const made = new MlnodeBenchError(code, `Deploy of ${subject} failed after ${elapsedS()} s: ${text}`, {
      ...(cause === undefined ? {} : { cause }),
      details: {
        model: request.model,
        variant: options.variant,
        endpoint: client.displayUrl,
        elapsedS: elapsedS(),
        lastSeen,
        ...(isMlnodeBenchError(cause) ? { call: (cause as MlnodeBenchError).details } : {}),
      },
    })
    phrased.add(made)
    return made
  }
  /** Keeps the code of a call error, adding model/variant to its message. */
  const rewrap = (cause: unknown): MlnodeBenchError => {
    if (isMlnodeBenchError(cause)) {
      if (cause.code === 'MLNB_ABORTED') return error('MLNB_ABORTED', `aborted (${cause.message})`, cause)
      return error(cause.code, cause.message, cause)
    }
    return error('MLNB_DEPLOY_FAILED', cause instanceof Error ? cause.message : String(cause), cause)
  }
  const remainingMs = (): number => deadlineMs - (now() - started)
  const checkpoint = (): void => {
    if (signal?.aborted) throw error('MLNB_ABORTED', `aborted while waiting (last seen: ${lastSeen})`)
    if (remainingMs() <= 0) {
      throw error('MLNB_DEPLOY_TIMEOUT', `not ready within the ${Math.round(deadlineMs / 1000)} s deadline (last seen: ${lastSeen})`)
    }
  }
  /** A call bounded by the deadline too; a call cut short by it is a deploy timeout. */
  const call = async <T>(run: (control: { signal?: AbortSignal; timeoutMs: number }) => Promise<T>): Promise<T> => {
    checkpoint()
    const timeoutMs = Math.max(1, Math.min(client.options.requestTimeoutMs, remainingMs()))
    try {
      return await run(signal === undefined ? { timeoutMs } : { signal, timeoutMs })
    } catch (cause) {
      if (hasCode(cause, 'MLNB_MLNODE_TIMEOUT') && timeoutMs < client.options.requestTimeoutMs) {
        throw error('MLNB_DEPLOY_TIMEOUT', `not ready within the ${Math.round(deadlineMs / 1000)} s deadline (last seen: ${lastSeen})`, cause)
      }
      throw cause
    }
  }
  const pause = async (): Promise<void> => {
    checkpoint()
    try {
      await sleep(Math.max(0, Math.min(pollIntervalMs, remainingMs())), signal)
    } catch (cause) {
      throw error('MLNB_ABORTED', `aborted while waiting (last seen: ${lastSeen})`, cause)
    }
    checkpoint()
  }
  const restarted = (cause: unknown, during: string): MlnodeBenchError =>
    error(
      'MLNB_DEPLOY_FAILED',
      `MLNode stopped answering ${during} (${hasCode(cause, 'MLNB_MLNODE_TIMEOUT') ? 'calls time out: its event loop is blocked before it exits' : 'connection refused: its container restarted'}). ` +
        `MLNode exits after a start that was interrupted or failed badly; see its log. Last seen: ${lastSeen}. Call: ${(cause as Error).message}`,
      cause,
    )
  const report = (progress: Omit<ReadyProgress, 'elapsedS'>): void => onProgress?.({ elapsedS: elapsedS(), ...progress })
  /** A call whose refused connection means MLNode's container went away (it exits after a bad start). */
  const callAlive = async <T>(during: string, fn: Parameters<typeof call<T>>[0]): Promise<T> => {
    try {
      return await call(fn)
    } catch (cause) {
      if (isGone(cause)) throw restarted(cause, during)
      throw cause
    }
  }

  try {
    // 1. up/async
    report({ phase: 'up' })
    try {
      await call((control) => client.upAsync(request, control))
    } catch (cause) {
      if (hasCode(cause, 'MLNB_MLNODE_HTTP')) {
        const { statusCode, detail } = (cause as MlnodeBenchError).details as { statusCode?: number; detail?: string }
        if (statusCode === 404) throw tooOld(client.displayUrl, 'POST /api/v1/inference/up/async', cause)
        if (statusCode === 409) {
          throw error('MLNB_DEPLOY_FAILED', `MLNode refuses up/async because something is already running or starting (HTTP 409: ${detail}); take it down first`, cause)
        }
        throw error('MLNB_DEPLOY_FAILED', `up/async rejected: ${(cause as Error).message}`, cause)
      }
      throw cause
    }
    lastSeen = 'up/async accepted'

    // 2. up/status until completed && is_running
    let sawProgress = false
    for (;;) {
      const status = await callAlive('while polling up/status', (control) => client.upStatus(control))
      let state: string | undefined
      try {
        state = (await call((control) => client.state(control))).state
      } catch (cause) {
        // State is informative only (409 when several managers run), but a refused
        // connection still means the container went away.
        if (isGone(cause)) throw restarted(cause, 'while reading state')
        if (hasCode(cause, 'MLNB_ABORTED') || hasCode(cause, 'MLNB_DEPLOY_TIMEOUT')) throw cause
      }
      lastSeen = `up/status ${status.status} (is_starting=${status.is_starting}, is_running=${status.is_running}${status.error ? `, error: ${status.error}` : ''})${state === undefined ? '' : `, state ${state}`}`
      report({ phase: 'starting', status: status.status, ...(state === undefined ? {} : { state }) })
      if (status.status === 'completed' && status.is_running) break
      if (status.status === 'failed' || status.status === 'cancelled') {
        const text = status.error ?? ''
        const where = options.logCommandSet ? 'see the MLNode log below' : 'set logCommand (e.g. docker logs --tail 300 <container>) to see it with the failure'
        const why = text === '' || NO_REASON.test(text) ? `MLNode gives no reason (${text === '' ? 'no error text' : `"${text}"`}); vLLM's own error is only in MLNode's log: ${where}` : text
        throw error('MLNB_DEPLOY_FAILED', `up/status is ${status.status}: ${why}`)
      }
      if (status.status === 'completed' && !status.is_running) throw error('MLNB_DEPLOY_FAILED', `up/status completed but nothing runs (${lastSeen})`)
      if (status.status === 'not_started' && sawProgress) {
        throw error('MLNB_DEPLOY_FAILED', `up/status went back to not_started: MLNode's container restarted (vLLM exited). Last seen: ${lastSeen}`)
      }
      if (status.status === 'in_progress' || status.is_starting) sawProgress = true
      await pause()
    }

    // 3. healthy replicas == the instances MLNode starts
    const gpuCount = (await callAlive('while reading /health', (control) => client.health(control))).gpu.count
    const fit = instancesOnServer(gpuCount, plan.gpusPerInstance, Number.POSITIVE_INFINITY)
    if (fit < 1) throw error('MLNB_DEPLOY_FAILED', `TP*PP${plan.dp > 1 ? '*DP' : ''} = ${plan.gpusPerInstance} exceeds the ${gpuCount} GPUs MLNode reports`)
    // What MLNode says it started, where it says so; else what it starts under the declared cap.
    const started = await call((control) => client.startedInstances(control))
    const expectedReplicas = started ?? instancesOnServer(gpuCount, plan.gpusPerInstance, options.instanceCap)
    const cappedAt = started !== undefined && started < fit ? started : undefined
    let replicas = expectedReplicas
    let replicasObserved = false
    for (;;) {
      const pow = await callAlive('while waiting for replicas', (control) => client.powStatus(control))
      if (pow === undefined) {
        lastSeen = 'pow/status absent (older MLNode): replica count not observable'
        break
      }
      replicasObserved = true
      const errored = pow.backends.filter(isErrorBackend)
      replicas = pow.backends.length - errored.length
      // More backends than this layout starts, or unreachable ones: stale ports of an earlier
      // deployment that MLNode's proxy still sends requests to (HTTP 500). Not ready.
      const stale = errored.length > 0 || pow.backends.length > expectedReplicas
      // Where the expected count is ours, not MLNode's, say so and how to correct it.
      const unreported = started === undefined && !stale && replicas < expectedReplicas
      const hint = unreported ? `; MLNode does not report how many instances it started: ${expectedReplicas} expected from ${gpuCount} GPUs${options.instanceCap === undefined ? '' : ` and the declared cap ${options.instanceCap}`} (if the node sets INFERENCE_MAX_INSTANCES, declare it: MLNODE_BENCH_INSTANCE_CAP)` : ''
      lastSeen = `${replicas}/${expectedReplicas} healthy replicas on pow/status${errored.length ? `, ${errored.length} in ERROR (ports ${errored.map((b) => b.port).join(', ')})` : ''}${stale ? ': stale backends MLNode still routes to' : ''}${hint}`
      report({ phase: 'replicas', healthyReplicas: replicas, expectedReplicas })
      if (!stale && replicas >= expectedReplicas) break
      await pause()
    }

    // 4. /v1/models lists the model
    const ids = servedIds(request, plan)
    for (;;) {
      try {
        const models = await call((control) => client.models(inferenceUrl, control))
        const listed = models.data.map((model) => model.id)
        if (listed.some((id) => ids.has(id))) break
        lastSeen = `/v1/models lists [${listed.join(', ')}], not ${[...ids].join(' / ')}`
      } catch (cause) {
        // 503 "No vLLM backend available" / 502 "vLLM connection failed": not yet routed.
        if (hasCode(cause, 'MLNB_MLNODE_HTTP') || (hasCode(cause, 'MLNB_MLNODE_REFUSED') && inferenceUrl !== undefined)) {
          lastSeen = `/v1/models: ${(cause as Error).message}`
        } else if (isGone(cause)) {
          throw restarted(cause, 'while checking /v1/models')
        } else {
          throw cause
        }
      }
      report({ phase: 'models', healthyReplicas: replicas, expectedReplicas })
      await pause()
    }
    return { elapsedS: elapsedS(), replicas, expectedReplicas, replicasObserved, gpuCount, ...(cappedAt === undefined ? {} : { cappedAt }) }
  } catch (cause) {
    if (typeof cause === 'object' && cause !== null && phrased.has(cause)) throw cause
    throw rewrap(cause)
  }
}
