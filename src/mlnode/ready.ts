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
 * Run it on a settled node (./switch.ts). Its bounds and error wording are ./ready-wait.ts.
 */
import type { WaitUntilReadyOptions } from './ready-types.js'
export type { ReadyPhase, ReadyProgress, WaitUntilReadyOptions } from './ready-types.js'
import { instancesOnServer, type DeployPlanShape } from '../contracts/deploy-plan.js'
import { MlnodeBenchError, hasCode } from '../errors.js'
import { ReadyWait } from './ready-wait.js'
import type { MlnodeCalls, PowBackend, UpRequest } from './types.js'
import { isGone, tooOld } from './version.js'



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

/** Model ids `/v1/models` may list for the request: the model, or its `--served-model-name`s. */
function servedIds(request: UpRequest, plan: Pick<DeployPlanShape, 'servedModelNames'>): Set<string> {
  return new Set([request.model, ...plan.servedModelNames])
}

/** A backend pow/status lists but cannot reach: dead, or a stale port of an earlier deploy. */
export const isErrorBackend = (backend: PowBackend): boolean => backend.status === 'ERROR' || backend.healthy === false

/** "vLLM process exited prematurely: None" and friends: MLNode passed on no reason. */
const NO_REASON = /:\s*None\s*$/

export async function waitUntilReady(client: MlnodeCalls, options: WaitUntilReadyOptions): Promise<ReadyResult> {
  const wait = new ReadyWait(client, options)
  try {
    await sendUp(wait)
    await untilRunning(wait)
    const replicas = await untilReplicas(wait)
    await untilListed(wait, replicas)
    const { cappedAt, ...counts } = replicas
    return { elapsedS: wait.elapsedS(), ...counts, ...(cappedAt === undefined ? {} : { cappedAt }) }
  } catch (cause) {
    throw wait.phrase(cause)
  }
}

/** 1. up/async, its refusals worded. */
async function sendUp(wait: ReadyWait): Promise<void> {
  const { client } = wait
  wait.report({ phase: 'up' })
  try {
    await wait.call((control) => client.upAsync(wait.options.request, control))
  } catch (cause) {
    if (hasCode(cause, 'MLNB_MLNODE_HTTP')) {
      const { statusCode, detail } = (cause as MlnodeBenchError).details as { statusCode?: number; detail?: string }
      if (statusCode === 404) throw tooOld(client.displayUrl, 'POST /api/v1/inference/up/async', cause)
      if (statusCode === 409) {
        throw wait.error('MLNB_DEPLOY_FAILED', `MLNode refuses up/async because something is already running or starting (HTTP 409: ${detail}); take it down first`, cause)
      }
      throw wait.error('MLNB_DEPLOY_FAILED', `up/async rejected: ${(cause as Error).message}`, cause)
    }
    throw cause
  }
  wait.lastSeen = 'up/async accepted'
}

/** 2. up/status until completed && is_running; a failed, cancelled or restarted start throws. */
async function untilRunning(wait: ReadyWait): Promise<void> {
  const { client } = wait
  let sawProgress = false
  for (;;) {
    const status = await wait.callAlive('while polling up/status', (control) => client.upStatus(control))
    const state = await informativeState(wait)
    wait.lastSeen = `up/status ${status.status} (is_starting=${status.is_starting}, is_running=${status.is_running}${status.error ? `, error: ${status.error}` : ''})${state === undefined ? '' : `, state ${state}`}`
    wait.report({ phase: 'starting', status: status.status, ...(state === undefined ? {} : { state }) })
    if (status.status === 'completed' && status.is_running) return
    if (status.status === 'failed' || status.status === 'cancelled') {
      const text = status.error ?? ''
      const where = wait.options.logCommandSet ? 'see the MLNode log below' : 'set logCommand (e.g. docker logs --tail 300 <container>) to see it with the failure'
      const why = text === '' || NO_REASON.test(text) ? `MLNode gives no reason (${text === '' ? 'no error text' : `"${text}"`}); vLLM's own error is only in MLNode's log: ${where}` : text
      throw wait.error('MLNB_DEPLOY_FAILED', `up/status is ${status.status}: ${why}`)
    }
    if (status.status === 'completed' && !status.is_running) throw wait.error('MLNB_DEPLOY_FAILED', `up/status completed but nothing runs (${wait.lastSeen})`)
    if (status.status === 'not_started' && sawProgress) {
      throw wait.error('MLNB_DEPLOY_FAILED', `up/status went back to not_started: MLNode's container restarted (vLLM exited). Last seen: ${wait.lastSeen}`)
    }
    if (status.status === 'in_progress' || status.is_starting) sawProgress = true
    await wait.pause()
  }
}

/** `/api/v1/state`: informative only (409 when several managers run), but a refused connection still means the container went away. */
async function informativeState(wait: ReadyWait): Promise<string | undefined> {
  try {
    return (await wait.call((control) => wait.client.state(control))).state
  } catch (cause) {
    if (isGone(cause)) throw wait.restarted(cause, 'while reading state')
    if (hasCode(cause, 'MLNB_ABORTED') || hasCode(cause, 'MLNB_DEPLOY_TIMEOUT')) throw cause
    return undefined
  }
}

type ReplicaCount = Omit<ReadyResult, 'elapsedS'>

/** 3. healthy replicas == the instances MLNode starts (none stale), as far as pow/status shows them. */
async function untilReplicas(wait: ReadyWait): Promise<ReplicaCount> {
  const { client, options } = wait
  const { plan } = options
  const gpuCount = (await wait.callAlive('while reading /health', (control) => client.health(control))).gpu.count
  const fit = instancesOnServer(gpuCount, plan.gpusPerInstance, Number.POSITIVE_INFINITY)
  if (fit < 1) throw wait.error('MLNB_DEPLOY_FAILED', `TP*PP${plan.dp > 1 ? '*DP' : ''} = ${plan.gpusPerInstance} exceeds the ${gpuCount} GPUs MLNode reports`)
  // What MLNode says it started, where it says so; else what it starts under the declared cap.
  const started = await wait.call((control) => client.startedInstances(control))
  const expectedReplicas = started ?? instancesOnServer(gpuCount, plan.gpusPerInstance, options.instanceCap)
  const cappedAt = started !== undefined && started < fit ? started : undefined
  const count: ReplicaCount = { replicas: expectedReplicas, expectedReplicas, replicasObserved: false, gpuCount, ...(cappedAt === undefined ? {} : { cappedAt }) }
  for (;;) {
    const pow = await wait.callAlive('while waiting for replicas', (control) => client.powStatus(control))
    if (pow === undefined) {
      wait.lastSeen = 'pow/status absent (older MLNode): replica count not observable'
      return count
    }
    count.replicasObserved = true
    const errored = pow.backends.filter(isErrorBackend)
    count.replicas = pow.backends.length - errored.length
    // More backends than this layout starts, or unreachable ones: stale ports of an earlier
    // deployment that MLNode's proxy still sends requests to (HTTP 500). Not ready.
    const stale = errored.length > 0 || pow.backends.length > expectedReplicas
    wait.lastSeen = `${count.replicas}/${expectedReplicas} healthy replicas on pow/status${errored.length ? `, ${errored.length} in ERROR (ports ${errored.map((b) => b.port).join(', ')})` : ''}${stale ? ': stale backends MLNode still routes to' : ''}${unreportedHint(wait, started === undefined && !stale && count.replicas < expectedReplicas, expectedReplicas, gpuCount)}`
    wait.report({ phase: 'replicas', healthyReplicas: count.replicas, expectedReplicas })
    if (!stale && count.replicas >= expectedReplicas) return count
    await wait.pause()
  }
}

/** Where the expected count is ours, not MLNode's: say so and how to correct it. */
function unreportedHint(wait: ReadyWait, unreported: boolean, expectedReplicas: number, gpuCount: number): string {
  if (!unreported) return ''
  const cap = wait.options.instanceCap
  return `; MLNode does not report how many instances it started: ${expectedReplicas} expected from ${gpuCount} GPUs${cap === undefined ? '' : ` and the declared cap ${cap}`} (if the node sets INFERENCE_MAX_INSTANCES, declare it: MLNODE_BENCH_INSTANCE_CAP)`
}

/** 4. /v1/models lists the model (or one of its served names). */
async function untilListed(wait: ReadyWait, { replicas, expectedReplicas }: ReplicaCount): Promise<void> {
  const { client, options } = wait
  const { inferenceUrl } = options
  const ids = servedIds(options.request, options.plan)
  for (;;) {
    try {
      const models = await wait.call((control) => client.models(inferenceUrl, control))
      const listed = models.data.map((model) => model.id)
      if (listed.some((id) => ids.has(id))) return
      wait.lastSeen = `/v1/models lists [${listed.join(', ')}], not ${[...ids].join(' / ')}`
    } catch (cause) {
      // 503 "No vLLM backend available" / 502 "vLLM connection failed": not yet routed.
      if (hasCode(cause, 'MLNB_MLNODE_HTTP') || (hasCode(cause, 'MLNB_MLNODE_REFUSED') && inferenceUrl !== undefined)) {
        wait.lastSeen = `/v1/models: ${(cause as Error).message}`
      } else if (isGone(cause)) {
        throw wait.restarted(cause, 'while checking /v1/models')
      } else {
        throw cause
      }
    }
    wait.report({ phase: 'models', healthyReplicas: replicas, expectedReplicas })
    await wait.pause()
  }
}
