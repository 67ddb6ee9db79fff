/**
 * The MLNode target, one MLNode seen from a bench worker: deploys one variant at a time (the
 * deploy itself is mlnode-deploy.ts), remembers failed deploys so the variant's benches fail with
 * the reason, keeps what the run learnt of the node (its description from /health,
 * mlnode-health.ts; its instance cap), and takes the last variant down at the end of the file.
 */
import { MlnodeBenchError, hasCode, redact } from '../errors.js'
import { MlnodeClient } from '../mlnode/index.js'
import type { HealthResponse } from '../mlnode/index.js'
import type { FirstContact } from '../mlnode/switch.js'
import { parseEndpoint } from '../mlnode/endpoint.js'
import type { DeployedVariant, DeployRequest, LoadEndpoint, Target, TargetDescription } from './target.js'
import { mlnodeMetricsSources, type MetricsSources } from './metrics-sources.js'
import { knownProfile } from './feasibility.js'
import { matchDeviceHardware, type HardwareProfile } from '../model/index.js'
import { RunEvents } from './events.js'
import { deployVariant, type DeployNode, type MlnodeEndpoints, type NodeMemory } from './mlnode-deploy.js'
import { describeHealth, simulatorInfoOf } from './mlnode-health.js'
import { declaredInstanceCap, firstContactBoundS } from './mlnode-env.js'

// Moved to files of their own; re-exported for existing importers.
export { DeployFailure } from './mlnode-deploy.js'
export { declaredInstanceCap, firstContactBoundS } from './mlnode-env.js'


const key = (r: DeployRequest) => `${r.model} ${r.variant.name}`

export class MlnodeTarget implements Target, DeployNode {
  readonly client: MlnodeClient
  private current?: { key: string; ready: Promise<DeployedVariant> }
  private readonly outcomes = new Map<string, Promise<DeployedVariant>>()
  private targetInfo?: Promise<TargetDescription> | undefined
  /** The simulator's hardware profile, when the target is one (see describeHealth). */
  private box?: HardwareProfile | undefined
  /** A real MLNode's GPUs as /health reports them, matched to a box per request (boxFor). */
  private devices?: { names: string[]; gpuCount: number }
  private unknownGpuPrinted = false
  /** What the run learnt of the node, shared by its deploys (mlnode-deploy.ts). */
  readonly memory: NodeMemory

  /** Whether MLNode answered since the run began (src/mlnode/switch.ts FirstContact); set at the first deploy. */
  private contact?: FirstContact

  /** @param events where the deploys are told (a subscriber prints them, console-subscriber.ts). @default untold */
  constructor(readonly target: MlnodeEndpoints, readonly events: RunEvents = new RunEvents()) {
    this.client = new MlnodeClient({ url: target.mgmtUrl })
    // Checked now (collection), not found out as "0 in flight" when the first workload starts.
    parseEndpoint(target.inferenceUrl, 'INFERENCE_URL')
    // MLNODE_BENCH_FIRST_CONTACT_S and MLNODE_BENCH_INSTANCE_CAP, read and checked at collection.
    this.firstContactS = firstContactBoundS()
    this.memory = { declaredCap: declaredInstanceCap(), warnedTimeouts: new Set(), started: new Set(), gpuNames: [] }
  }

  private readonly firstContactS: number

  /** The first-contact bound starts with the run's first deploy and is shared by every variant. */
  firstContact(deployTimeoutS: number): FirstContact {
    if (!this.contact) {
      const boundS = Math.min(deployTimeoutS, this.firstContactS)
      this.contact = { reached: false, deadlineAt: performance.now() + boundS * 1000, boundS }
    }
    return this.contact
  }

  /**
   * What the target is, from its /health (a simulator says so there, with its speed). Only a
   * success is cached: a node restarting when the run starts must not sink every variant.
   */
  describe(): Promise<TargetDescription> {
    // An MLNode that never answered would hold each failed variant another request timeout.
    if (this.contact && !this.contact.reached) return Promise.reject(new MlnodeBenchError('MLNB_MLNODE_REFUSED', `MLNode at ${this.client.displayUrl} has not answered since the run began`))
    return this.describeFrom()
  }

  /** The description, from the /health `health()` gives when none is known yet. */
  async describeOnce(health: () => Promise<HealthResponse>): Promise<TargetDescription> {
    return this.describeFrom(this.targetInfo ? undefined : await health())
  }

  private describeFrom(health?: HealthResponse): Promise<TargetDescription> {
    if (this.targetInfo) return this.targetInfo
    const described = (health ? Promise.resolve(health) : this.client.health()).then((h) => this.describeHealth(h))
    this.targetInfo = described
    described.catch(() => {
      if (this.targetInfo === described) this.targetInfo = undefined
    })
    return described
  }

  private describeHealth(health: HealthResponse): TargetDescription {
    const described = describeHealth(health, this.target.mgmtUrl)
    this.memory.gpuNames = described.gpuNames
    // The box the performance model can check variants against: the simulator's profile, or
    // (per request, boxFor) the real node's GPUs matched to the catalog or a hardware file.
    if (described.simulatorHardware !== undefined) this.box = knownProfile(described.simulatorHardware)
    else this.devices = described.devices
    return described.description
  }

  /**
   * The box of this request: a simulator's profile, or the real GPUs matched to the request's
   * hardware file or the catalog. Unknown GPUs are said once (with a hardware-file template) and
   * the run goes on without the model's checks; a file that names other GPUs fails the deploy.
   */
  boxFor(request: DeployRequest): HardwareProfile | undefined {
    if (this.devices === undefined) return this.box
    try {
      return matchDeviceHardware(this.devices.names, this.devices.gpuCount, request.hardwareFile)
    } catch (error) {
      if (!hasCode(error, 'MLNB_UNKNOWN_GPU')) throw error
      if (!this.unknownGpuPrinted) this.events.emit('warning', { text: `mlnode-bench: MLNB_UNKNOWN_GPU: ${(error as Error).message}\n  (no feasibility check or prediction for this node's variants)` })
      this.unknownGpuPrinted = true
      return undefined
    }
  }

  /** The simulator's clock (simulated seconds) from /health; undefined against a real MLNode. */
  async simulatedNowS(): Promise<number | undefined> {
    return simulatorInfoOf((await this.client.health()).simulator)?.nowS
  }

  /** Deploys the variant unless it is the one up; never throws (the outcome is remembered). */
  prepare(request: DeployRequest): Promise<void> {
    const k = key(request)
    if (!this.outcomes.has(k)) {
      const previous = this.current
      const ready = (async () => {
        if (previous) await previous.ready.catch(() => undefined)
        return this.deploy(request)
      })()
      ready.catch(() => undefined)
      this.outcomes.set(k, ready)
      this.current = { key: k, ready }
    }
    return this.outcomes.get(k)!.then(
      () => undefined,
      () => undefined,
    )
  }

  /** Deploys the variant again, from a clean slate (the node switch takes the running one down). */
  redeploy(request: DeployRequest): Promise<DeployedVariant> {
    this.outcomes.delete(key(request))
    return this.ready(request)
  }

  /** The deployed variant, or the reason its deploy failed. */
  ready(request: DeployRequest): Promise<DeployedVariant> {
    void this.prepare(request)
    return this.outcomes.get(key(request))!
  }

  endpoint(): LoadEndpoint {
    return { inferenceUrl: this.target.inferenceUrl, mgmtUrl: this.target.mgmtUrl }
  }

  metricsSources(_request: DeployRequest, deployed: DeployedVariant): MetricsSources {
    return mlnodeMetricsSources(deployed, this.target.inferenceUrl)
  }

  /** Takes down whatever this target deployed. */
  async close(): Promise<void> {
    if (!this.current) return
    await this.current.ready.catch(() => undefined)
    this.current = undefined
    // Nothing was deployed on an MLNode that never answered: no `down` to wait 100 s for.
    if (this.contact && !this.contact.reached) return void (await this.client.close())
    await this.client.down().catch((error: unknown) => this.events.emit('warning', { text: `mlnode-bench: down failed: ${redact((error as Error).message)}` }))
    await this.client.close()
  }

  private deploy(request: DeployRequest): Promise<DeployedVariant> {
    return deployVariant(this, request)
  }
}

const targets = new Map<string, MlnodeTarget>()

/** One target per MLNode per worker, shared by every suite of the file (told on the first caller's `events`). */
export function mlnodeTargetFor(endpoints: MlnodeEndpoints, events?: RunEvents): MlnodeTarget {
  const k = `${endpoints.mgmtUrl} ${endpoints.inferenceUrl}`
  let target = targets.get(k)
  if (!target) targets.set(k, (target = new MlnodeTarget(endpoints, events)))
  return target
}
