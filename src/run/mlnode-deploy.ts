/**
 * One variant's deploy on an MLNode (mlnode-target.ts queues them): the node described and
 * warned about, the layout placed and checked by the performance model, the model's download
 * waited for, a clean slate (healthy node → `down` → settle, src/mlnode/switch.ts), `up/async` →
 * ready (src/mlnode/ready.ts), all within deployTimeoutS; then the node's cap, the switch cost,
 * cold or warm, and the node's environment. Every step is told as an event (events.ts).
 */
import { MlnodeBenchError, hasCode, isMlnodeBenchError, redact } from '../errors.js'
import type { MlnodeClient, ReadyResult } from '../mlnode/index.js'
import type { HealthResponse } from '../mlnode/index.js'
import { NodeSwitch, type FirstContact } from '../mlnode/switch.js'
import type { Layout, TargetInfo } from '../contracts/results.js'
import type { DeployedVariant, DeployRequest, TargetDescription } from './target.js'
import { captureDeployLog } from './deploy-log.js'
import { layoutModelOf } from './prepare-variants.js'
import { placeDeployPlan } from '../args/index.js'
import { assertFeasible } from './feasibility.js'
import type { HardwareProfile } from '../model/index.js'
import { deployTimeoutWarning } from '../mlnode/startup-limit.js'
import { waitForModelCache } from '../mlnode/model-cache.js'
import { readNodeEnvironment } from '../mlnode/environment.js'
import type { RunEvents } from './events.js'
import { readVllmStartup } from '../telemetry/vllm-startup.js'
import { startupLine } from '../report/startup-text.js'
import { calibrationFor } from './calibration.js'

export interface MlnodeEndpoints {
  mgmtUrl: string
  /** OpenAI API root without /v1. */
  inferenceUrl: string
}

/** The deploy's failure as data the bench can rethrow and the reporters can show. */
export class DeployFailure extends MlnodeBenchError {
  constructor(message: string, readonly log: string[], cause: unknown, code?: string) {
    // A deploy that ran out of time keeps its own code: CI can tell a slow node from a broken variant.
    super(code === 'MLNB_DEPLOY_TIMEOUT' ? code : 'MLNB_DEPLOY_FAILED', message, { cause, details: { code, log } })
  }
}

/** What the run learnt of a node, shared by its deploys. */
export interface NodeMemory {
  /** The node's instance cap once a deploy revealed it (INFERENCE_MAX_INSTANCES). */
  instanceCap?: number
  /** MLNODE_BENCH_INSTANCE_CAP, read and checked at collection. */
  readonly declaredCap: number | undefined
  /** Deploy timeouts already warned about (src/mlnode/startup-limit.ts). */
  readonly warnedTimeouts: Set<number>
  /** Layouts (args) started on the node in this run: a later start of one is warm (kernel and compile caches). */
  readonly started: Set<string>
  /** GPU names /health listed, one per GPU (for the result's environment). */
  gpuNames: string[]
}

/** What a deploy uses of its target (MlnodeTarget). */
export interface DeployNode {
  readonly client: MlnodeClient
  readonly target: MlnodeEndpoints
  readonly events: RunEvents
  readonly memory: NodeMemory
  /** The first-contact bound, started by the run's first deploy and shared by every variant. */
  firstContact(deployTimeoutS: number): FirstContact
  /** The target's description; `health()` gives the /health to describe it from when none is known yet. */
  describeOnce(health: () => Promise<HealthResponse>): Promise<TargetDescription>
  /** The box of this request (mlnode-target.ts boxFor). */
  boxFor(request: DeployRequest): HardwareProfile | undefined
  /** The simulator's clock (simulated seconds) from /health; undefined against a real MLNode. */
  simulatedNowS(): Promise<number | undefined>
}

/** One deploy in progress: what its failure must know. */
interface Attempt {
  readonly label: string
  readonly startedMs: number
  deadlineAt: number
  /** The model's "may not start" warning: kept in the result, and quoted if the start fails. */
  warning?: string
  /** MLNode's log speaks of this variant only once its `up` went out: before, it is the previous one's. */
  upSent: boolean
}

/** The node made ready for the variant: what it is, and the variant's place on it. */
interface Placed {
  info: TargetInfo
  gpuCount: number
  pollIntervalMs: number
  /** The cap the layout was placed under (MLNode's, else the declared one), if any. */
  cap: { instanceCap?: number }
  layout: Layout
  box: HardwareProfile | undefined
}

export async function deployVariant(node: DeployNode, request: DeployRequest): Promise<DeployedVariant> {
  const startedMs = performance.now()
  const attempt: Attempt = { label: `[${request.model} ${request.variant.name}]`, startedMs, deadlineAt: startedMs + request.deployTimeoutS * 1000, upSent: false }
  try {
    const placed = await placeVariant(node, request, attempt)
    await cleanSlate(node, request, attempt, placed)
    const simStartS = placed.info.simulatedTime ? await node.simulatedNowS() : undefined
    const result = await startVariant(node, request, attempt, placed)
    return await deployed(node, request, attempt, placed, result, simStartS)
  } catch (error) {
    throw await deployFailure(node, request, attempt, error)
  }
}

/** The node described (it may be restarting when the run starts), the variant placed and checked. */
async function placeVariant(node: DeployNode, request: DeployRequest, attempt: Attempt): Promise<Placed> {
  const { model, variant } = request
  const { label } = attempt
  // Before anything else: MLNode may be restarting or frozen when the run starts.
  const contact = node.firstContact(request.deployTimeoutS)
  const firstSwitch = new NodeSwitch(node.client, { deadlineAt: attempt.deadlineAt, label, pollIntervalMs: 2000, print: note(node), contact })
  const { info, gpuCount } = await node.describeOnce(() => firstSwitch.healthy())
  warnTimeout(node, request, info)
  // On simulated time a deploy takes no real time: poll often.
  const speed = info.simulatedTime ? Number.POSITIVE_INFINITY : 1
  const pollIntervalMs = Math.max(20, 2000 / speed)
  const layoutModel = layoutModelOf(model)
  // The node's cap as MLNode reported it for an earlier variant, else as the user declared it.
  const knownCap = node.memory.instanceCap ?? node.memory.declaredCap
  const cap = knownCap === undefined ? {} : { instanceCap: knownCap }
  const placed = placeDeployPlan(variant, gpuCount, { ...cap, ...(layoutModel ? { model: layoutModel } : {}) })
  if (placed.problems.length > 0) throw new MlnodeBenchError('MLNB_LAYOUT', `${label} cannot deploy on ${info.hardware}: ${placed.problems.join('; ')}`)
  const box = node.boxFor(request)
  attempt.warning = request.checkFeasibility !== false ? assertFeasible(box, request, label) : undefined
  if (attempt.warning !== undefined) node.events.emit('warning', { label, text: attempt.warning })
  return { info, gpuCount, pollIntervalMs, cap, layout: placed.layout, box }
}

/** Once per timeout value, against a real MLNode: a longer wait than MLNode's own limit waits for nothing. */
function warnTimeout(node: DeployNode, request: DeployRequest, info: TargetInfo): void {
  const warned = node.memory.warnedTimeouts
  const timeoutWarning = info.kind === 'mlnode' && !warned.has(request.deployTimeoutS) ? deployTimeoutWarning(request.deployTimeoutS, request.model) : undefined
  if (!timeoutWarning) return
  warned.add(request.deployTimeoutS)
  node.events.emit('warning', { text: timeoutWarning })
}

/** The model downloaded (a real MLNode), then a clean slate: healthy, nothing running, the proxy's old ports gone. */
async function cleanSlate(node: DeployNode, request: DeployRequest, attempt: Attempt, placed: Placed): Promise<void> {
  const { label } = attempt
  // A real MLNode may still have to download the model: waited for on its own budget
  // (deployTimeoutS again), and its time added to the deploy's deadline, never counted in it.
  if (placed.info.kind === 'mlnode') {
    const cache = await waitForModelCache(node.target.mgmtUrl, request.model, { label, print: note(node), deadlineAt: performance.now() + request.deployTimeoutS * 1000 })
    if (cache !== undefined && cache.waitedS > 0) attempt.deadlineAt += cache.waitedS * 1000
  }
  // src/mlnode/switch.ts
  await new NodeSwitch(node.client, { deadlineAt: attempt.deadlineAt, label, pollIntervalMs: placed.pollIntervalMs, print: note(node) }).prepare()
}

/** `up/async`, then the readiness sequence, each poll told as a deploy phase. */
async function startVariant(node: DeployNode, request: DeployRequest, attempt: Attempt, placed: Placed): Promise<ReadyResult> {
  const { model, variant } = request
  const { label } = attempt
  const { info, layout } = placed
  node.events.emit('deploy-started', { label, hardware: info.hardware, simulated: info.kind === 'simulated', instances: layout.instances, tp: variant.tp, pp: variant.pp, idleGpus: layout.idleGpus, args: variant.mlnodeArgs })
  attempt.upSent = true
  return node.client.waitUntilReady({
    request: { model, dtype: request.dtype, additional_args: variant.mlnodeArgs },
    plan: variant,
    variant: variant.name,
    deadlineMs: Math.max(1, attempt.deadlineAt - performance.now()),
    pollIntervalMs: placed.pollIntervalMs,
    inferenceUrl: node.target.inferenceUrl,
    logCommandSet: request.logCommand !== undefined && request.logCommand.length > 0,
    ...placed.cap,
    onProgress: (progress) => node.events.emit('deploy-phase', { label, progress }),
  })
}

/** The ready variant: the node's cap, the switch cost, cold or warm, and the node's environment. */
async function deployed(node: DeployNode, request: DeployRequest, attempt: Attempt, placed: Placed, result: ReadyResult, simStartS: number | undefined): Promise<DeployedVariant> {
  const { model, variant } = request
  const { label, warning } = attempt
  const { info, box, gpuCount } = placed
  const memory = node.memory
  let layout = placed.layout
  if (result.cappedAt !== undefined) {
    memory.instanceCap = result.cappedAt
    layout = placeDeployPlan(variant, gpuCount, { instanceCap: result.cappedAt }).layout
    node.events.emit('deploy-capped', { label, instances: result.cappedAt, idleGpus: layout.idleGpus })
  }
  const simEndS = simStartS === undefined ? undefined : await node.simulatedNowS()
  const readyAfterS = simStartS !== undefined && simEndS !== undefined ? simEndS - simStartS : result.elapsedS
  const startKey = `${model}\u0000${variant.mlnodeArgs.join('\u0000')}`
  const deployStart = memory.started.has(startKey) ? 'warm' : 'cold'
  memory.started.add(startKey)
  node.events.emit('deploy-ready', { label, readyAfterS, simulatedTime: simStartS !== undefined, start: deployStart })
  // What a real node runs on, recorded with each result (best effort, after the deploy's clock stopped).
  const environment = info.kind === 'mlnode' ? await readNodeEnvironment({ mgmtUrl: node.target.mgmtUrl, inferenceUrl: node.target.inferenceUrl, model, gpus: memory.gpuNames }) : undefined
  // vLLM's own start-up figures (KV cache, concurrency, CUDA graphs) beside the model's, where the log can be read.
  const vllmStartup = request.logCommand?.length ? await readVllmStartup(request.logCommand, box, request, box ? calibrationFor(box, request.calibration) : undefined) : undefined
  if (vllmStartup) node.events.emit('note', { text: `${label} ${startupLine(vllmStartup, info.kind === 'simulated')}` })
  const instanceCap = memory.instanceCap
  return { layout, target: info, readyAfterS, deployStart, ...(vllmStartup ? { vllmStartup } : {}), ...(environment && Object.keys(environment).length > 0 ? { environment } : {}), ...(box ? { box } : {}), ...(warning ? { notes: [warning] } : {}), ...(instanceCap === undefined || layout.instances < instanceCap ? {} : { instanceCap }) }
}

/** The failure worded (with MLNode's log once the `up` went out, and the model's warning), told, and returned to throw. */
async function deployFailure(node: DeployNode, request: DeployRequest, attempt: Attempt, error: unknown): Promise<DeployFailure> {
  const { model, variant } = request
  const { label, warning } = attempt
  const elapsedS = (performance.now() - attempt.startedMs) / 1000
  const log = request.logCommand && attempt.upSent ? await captureDeployLog(request.logCommand) : []
  const reason = redact(error instanceof Error ? error.message : String(error))
  // The client's deploy errors already name model, variant and endpoint; others get that here.
  const failed = isMlnodeBenchError(error) && error.code.startsWith('MLNB_DEPLOY') ? reason : `Deploy of ${model} ${variant.name} (tp=${variant.tp} pp=${variant.pp}) failed after ${elapsedS.toFixed(1)} s: ${reason}`
  const message = warning === undefined ? failed : `${failed} (the performance model had warned: ${warning})`
  node.events.emit('deploy-failed', { label, message, log, refused: hasCode(error, 'MLNB_LAYOUT') })
  // No `down` here: the next variant's switch (or close()) takes it down and, when that
  // interrupts a start, waits out MLNode's delayed failure and restart (src/mlnode/switch.ts).
  return new DeployFailure(message, log, error, isMlnodeBenchError(error) ? error.code : undefined)
}

/** Lines of the node's side (switch, model download) go out as notes. */
function note(node: DeployNode): (text: string) => void {
  return (text) => node.events.emit('note', { text })
}
