/**
 * The MLNode target, one MLNode seen from a bench worker: deploys one variant at a time (healthy node → `down` →
 * settle → `up/async` → ready, src/mlnode/switch.ts and ready.ts, all within deployTimeoutS),
 * prints progress, remembers failed deploys so the variant's benches fail with the reason,
 * learns the node's instance cap, and takes the last variant down at the end of the file.
 */
import { MlnodeBenchError, hasCode, isMlnodeBenchError, redact } from '../errors.js'
import { MlnodeClient } from '../mlnode/index.js'
import { scrub } from '../outputs/secrets.js'
import type { HealthResponse } from '../mlnode/index.js'
import { NodeSwitch, type FirstContact } from '../mlnode/switch.js'
import { parseEndpoint } from '../mlnode/endpoint.js'
import type { TargetInfo } from '../contracts/results.js'
import type { DeployedVariant, DeployRequest, LoadEndpoint, Target, TargetDescription } from './target.js'
import { captureDeployLog } from './deploy-log.js'
import { layoutModelOf } from './prepare-variants.js'
import { mlnodeMetricsSources, type MetricsSources } from './metrics-sources.js'
import { placeDeployPlan } from '../args/index.js'
import { assertFeasible, knownProfile } from './feasibility.js'
import { matchDeviceHardware, type HardwareProfile } from '../model/index.js'
import { deployTimeoutWarning } from '../mlnode/startup-limit.js'
import { waitForModelCache } from '../mlnode/model-cache.js'
import { readNodeEnvironment } from '../mlnode/environment.js'
import { readVllmStartup, startupLine } from '../telemetry/vllm-startup.js'
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

/** The simulator's self-description in /health (src/sim), absent on a real MLNode. */
interface SimulatorInfo {
  speed?: number
  hardware?: string
  simulatedTime?: boolean
  noiseCv?: number
  seed?: number
  nowS?: number
}

function simulatorOf(field: unknown): SimulatorInfo | undefined {
  if (typeof field !== 'object' || field === null) return undefined
  const f = field as Record<string, unknown>
  const out: SimulatorInfo = {}
  for (const k of ['speed', 'noiseCv', 'seed', 'nowS'] as const) if (typeof f[k] === 'number') out[k] = f[k] as number
  if (typeof f.hardware === 'string') out.hardware = f.hardware
  if (f.simulatedTime === true) out.simulatedTime = true
  return out
}

const key = (r: DeployRequest) => `${r.model} ${r.variant.name}`

export class MlnodeTarget implements Target {
  readonly client: MlnodeClient
  private current?: { key: string; ready: Promise<DeployedVariant> }
  private readonly outcomes = new Map<string, Promise<DeployedVariant>>()
  private targetInfo?: Promise<TargetDescription> | undefined
  /** The node's instance cap once a deploy revealed it (INFERENCE_MAX_INSTANCES). */
  private instanceCap?: number
  /** The simulator's hardware profile, when the target is one (see describeHealth). */
  private box?: HardwareProfile | undefined
  /** A real MLNode's GPUs as /health reports them, matched to a box per request (boxFor). */
  private devices?: { names: string[]; gpuCount: number }
  private unknownGpuPrinted = false
  /** GPU names /health listed, one per GPU (for the result's environment). */
  private gpuNames: string[] = []
  /** Deploy timeouts already warned about (src/mlnode/startup-limit.ts). */
  private readonly warnedTimeouts = new Set<number>()
  /** Layouts (args) started on the node in this run: a later start of one is warm (kernel and compile caches). */
  private readonly started = new Set<string>()

  /** Whether MLNode answered since the run began (src/mlnode/switch.ts FirstContact); set at the first deploy. */
  private contact?: FirstContact

  constructor(readonly target: MlnodeEndpoints, private readonly print: (line: string) => void = (line) => console.log(scrub(line))) {
    this.client = new MlnodeClient({ url: target.mgmtUrl })
    // Checked now (collection), not found out as "0 in flight" when the first workload starts.
    parseEndpoint(target.inferenceUrl, 'INFERENCE_URL')
    this.firstContactS = firstContactBoundS()
    this.declaredCap = declaredInstanceCap()
  }

  /** MLNODE_BENCH_FIRST_CONTACT_S and MLNODE_BENCH_INSTANCE_CAP, read and checked at collection. */
  private readonly firstContactS: number
  private readonly declaredCap: number | undefined

  /** The first-contact bound starts with the run's first deploy and is shared by every variant. */
  private firstContact(deployTimeoutS: number): FirstContact {
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
    const devices = health.gpu?.devices ?? []
    const gpuCount = health.gpu?.count ?? devices.length
    const names = [...new Set(devices.map((d) => d.name))]
    this.gpuNames = devices.map((d) => d.name)
    const hardware = `${gpuCount}x ${names.join(' + ') || 'unknown GPU'}`
    const sim = simulatorOf(health.simulator)
    const url = redact(this.target.mgmtUrl)
    if (sim && !sim.simulatedTime && sim.speed !== undefined && sim.speed !== 1) {
      // Its times are K times too short and the client's stamps cannot be mapped back exactly.
      throw new MlnodeBenchError('MLNB_CONFIG', `the simulator at ${url} runs on a wall clock at x${sim.speed} speed: benchmark it on simulated time (mlnode-bench sim without --speed) or at --speed 1`)
    }
    const info: TargetInfo = sim
      ? {
          kind: 'simulated',
          hardware: sim.hardware ?? hardware,
          ...(sim.simulatedTime ? { simulatedTime: true } : {}),
          ...(sim.noiseCv ? { noiseCv: sim.noiseCv } : {}),
          ...(sim.seed !== undefined ? { seed: sim.seed } : {}),
          url,
        }
      : { kind: 'mlnode', hardware, url }
    // The box the performance model can check variants against: the simulator's profile, or
    // (per request, boxFor) the real node's GPUs matched to the catalog or a hardware file.
    if (sim?.hardware !== undefined) this.box = knownProfile(sim.hardware)
    else this.devices = { names: devices.map((d) => d.name), gpuCount }
    return { info, gpuCount }
  }

  /**
   * The box of this request: a simulator's profile, or the real GPUs matched to the request's
   * hardware file or the catalog. Unknown GPUs are said once (with a hardware-file template) and
   * the run goes on without the model's checks; a file that names other GPUs fails the deploy.
   */
  private boxFor(request: DeployRequest): HardwareProfile | undefined {
    if (this.devices === undefined) return this.box
    try {
      return matchDeviceHardware(this.devices.names, this.devices.gpuCount, request.hardwareFile)
    } catch (error) {
      if (!hasCode(error, 'MLNB_UNKNOWN_GPU')) throw error
      if (!this.unknownGpuPrinted) this.print(`mlnode-bench: MLNB_UNKNOWN_GPU: ${(error as Error).message}\n  (no feasibility check or prediction for this node's variants)`)
      this.unknownGpuPrinted = true
      return undefined
    }
  }

  /** The simulator's clock (simulated seconds) from /health; undefined against a real MLNode. */
  private async simulatedNowS(): Promise<number | undefined> {
    return simulatorOf((await this.client.health()).simulator)?.nowS
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
    await this.client.down().catch((error: unknown) => this.print(`mlnode-bench: down failed: ${redact((error as Error).message)}`))
    await this.client.close()
  }

  private async deploy(request: DeployRequest): Promise<DeployedVariant> {
    const { model, variant } = request
    const label = `[${model} ${variant.name}]`
    const started = performance.now()
    let deadlineAt = started + request.deployTimeoutS * 1000
    // The model's "may not start" warning: kept in the result, and quoted if the start fails.
    let warning: string | undefined
    // MLNode's log speaks of this variant only once its `up` went out: before, it is the previous one's.
    let upSent = false
    try {
      // Before anything else: MLNode may be restarting or frozen when the run starts.
      const contact = this.firstContact(request.deployTimeoutS)
      const firstSwitch = new NodeSwitch(this.client, { deadlineAt, label, pollIntervalMs: 2000, print: this.print, contact })
      const { info, gpuCount } = await this.describeFrom(this.targetInfo ? undefined : await firstSwitch.healthy())
      // Once per timeout value, against a real MLNode: a longer wait than MLNode's own limit waits for nothing.
      const timeoutWarning = info.kind === 'mlnode' && !this.warnedTimeouts.has(request.deployTimeoutS) ? deployTimeoutWarning(request.deployTimeoutS, model) : undefined
      if (timeoutWarning) {
        this.warnedTimeouts.add(request.deployTimeoutS)
        this.print(timeoutWarning)
      }
      // On simulated time a deploy takes no real time: poll often.
      const speed = info.simulatedTime ? Number.POSITIVE_INFINITY : 1
      const pollIntervalMs = Math.max(20, 2000 / speed)
      const layoutModel = layoutModelOf(model)
      // The node's cap as MLNode reported it for an earlier variant, else as the user declared it.
      const knownCap = this.instanceCap ?? this.declaredCap
      const cap = knownCap === undefined ? {} : { instanceCap: knownCap }
      const placed = placeDeployPlan(variant, gpuCount, { ...cap, ...(layoutModel ? { model: layoutModel } : {}) })
      if (placed.problems.length > 0) throw new MlnodeBenchError('MLNB_LAYOUT', `${label} cannot deploy on ${info.hardware}: ${placed.problems.join('; ')}`)
      let layout = placed.layout
      const box = this.boxFor(request)
      warning = request.checkFeasibility !== false ? assertFeasible(box, request, label, this.print) : undefined
      // A real MLNode may still have to download the model: waited for on its own budget
      // (deployTimeoutS again), and its time added to the deploy's deadline, never counted in it.
      if (info.kind === 'mlnode') {
        const cache = await waitForModelCache(this.target.mgmtUrl, model, { label, print: this.print, deadlineAt: performance.now() + request.deployTimeoutS * 1000 })
        if (cache !== undefined && cache.waitedS > 0) deadlineAt += cache.waitedS * 1000
      }
      // A clean slate: healthy, nothing running, the proxy's old ports gone (src/mlnode/switch.ts).
      await new NodeSwitch(this.client, { deadlineAt, label, pollIntervalMs, print: this.print }).prepare()
      const simStartS = info.simulatedTime ? await this.simulatedNowS() : undefined
      this.print(`${label} deploying on ${info.hardware}${info.kind === 'simulated' ? ' (SIMULATED)' : ''}: ${layout.instances} instance(s) of TP${variant.tp}xPP${variant.pp}, ${layout.idleGpus} idle GPU(s); args ${variant.mlnodeArgs.join(' ')}`)
      let lastPrintS = -Infinity
      let lastPhase = ''
      upSent = true
      const result = await this.client.waitUntilReady({
        request: { model, dtype: request.dtype, additional_args: variant.mlnodeArgs },
        plan: variant,
        variant: variant.name,
        deadlineMs: Math.max(1, deadlineAt - performance.now()),
        pollIntervalMs,
        inferenceUrl: this.target.inferenceUrl,
        logCommandSet: request.logCommand !== undefined && request.logCommand.length > 0,
        ...cap,
        onProgress: (p) => {
          // Print on every phase change and at most every 10 s otherwise.
          if (p.phase === lastPhase && p.elapsedS - lastPrintS < 10) return
          lastPhase = p.phase
          lastPrintS = p.elapsedS
          const replicas = p.expectedReplicas ? ` ${p.healthyReplicas ?? 0}/${p.expectedReplicas} healthy` : ''
          this.print(`${label} ${p.elapsedS.toFixed(1)} s: ${p.phase}${p.state ? ` state=${p.state}` : ''}${p.status ? ` status=${p.status}` : ''}${replicas}`)
        },
      })
      if (result.cappedAt !== undefined) {
        this.instanceCap = result.cappedAt
        layout = placeDeployPlan(variant, gpuCount, { instanceCap: result.cappedAt }).layout
        this.print(`${label} MLNode reports starting ${result.cappedAt} instance(s) (its INFERENCE_MAX_INSTANCES); ${layout.idleGpus} GPU(s) idle`)
      }
      const simEndS = simStartS === undefined ? undefined : await this.simulatedNowS()
      const readyAfterS = simStartS !== undefined && simEndS !== undefined ? simEndS - simStartS : result.elapsedS
      const startKey = `${model}\u0000${variant.mlnodeArgs.join('\u0000')}`
      const deployStart = this.started.has(startKey) ? 'warm' : 'cold'
      this.started.add(startKey)
      this.print(`${label} ready after ${readyAfterS.toFixed(1)} s${simStartS !== undefined ? ' (simulated time)' : ''}, ${deployStart} start`)
      // What a real node runs on, recorded with each result (best effort, after the deploy's clock stopped).
      const environment = info.kind === 'mlnode' ? await readNodeEnvironment({ mgmtUrl: this.target.mgmtUrl, inferenceUrl: this.target.inferenceUrl, model, gpus: this.gpuNames }) : undefined
      // vLLM's own start-up figures (KV cache, concurrency, CUDA graphs) beside the model's, where the log can be read.
      const vllmStartup = request.logCommand?.length ? await readVllmStartup(request.logCommand, box, request, box ? calibrationFor(box, request.calibration) : undefined) : undefined
      if (vllmStartup) this.print(`${label} ${startupLine(vllmStartup, info.kind === 'simulated')}`)
      return { layout, target: info, readyAfterS, deployStart, ...(vllmStartup ? { vllmStartup } : {}), ...(environment && Object.keys(environment).length > 0 ? { environment } : {}), ...(box ? { box } : {}), ...(warning ? { notes: [warning] } : {}), ...(this.instanceCap === undefined || layout.instances < this.instanceCap ? {} : { instanceCap: this.instanceCap }) }
    } catch (error) {
      const elapsedS = (performance.now() - started) / 1000
      const log = request.logCommand && upSent ? await captureDeployLog(request.logCommand) : []
      const reason = redact(error instanceof Error ? error.message : String(error))
      // The client's deploy errors already name model, variant and endpoint; others get that here.
      const failed = isMlnodeBenchError(error) && error.code.startsWith('MLNB_DEPLOY') ? reason : `Deploy of ${model} ${variant.name} (tp=${variant.tp} pp=${variant.pp}) failed after ${elapsedS.toFixed(1)} s: ${reason}`
      const message = warning === undefined ? failed : `${failed} (the performance model had warned: ${warning})`
      this.print(`${label} deploy FAILED: ${message}${log.length ? `\n  MLNode log:\n    ${log.join('\n    ')}` : ''}`)
      // No `down` here: the next variant's switch (or close()) takes it down and, when that
      // interrupts a start, waits out MLNode's delayed failure and restart (src/mlnode/switch.ts).
      throw new DeployFailure(message, log, error, isMlnodeBenchError(error) ? error.code : undefined)
    }
  }
}

/**
 * How long an MLNode that has not answered once since the run began is waited for: a wrong
 * MLNODE_URL must not cost every variant its deployTimeoutS. MLNODE_BENCH_FIRST_CONTACT_S, else 60 s.
 * @throws MlnodeBenchError MLNB_CONFIG naming the variable and its value.
 */
export function firstContactBoundS(env: NodeJS.ProcessEnv = process.env): number {
  const text = env.MLNODE_BENCH_FIRST_CONTACT_S
  if (text === undefined || text === '') return DEFAULT_FIRST_CONTACT_S
  const value = Number(text)
  if (!Number.isFinite(value) || value <= 0) throw new MlnodeBenchError('MLNB_CONFIG', `environment variable MLNODE_BENCH_FIRST_CONTACT_S=${JSON.stringify(text)} must be a number of seconds > 0`, { details: { env: 'MLNODE_BENCH_FIRST_CONTACT_S', value: text } })
  return value
}

const DEFAULT_FIRST_CONTACT_S = 60

/**
 * The node's INFERENCE_MAX_INSTANCES as the user declares it (MLNODE_BENCH_INSTANCE_CAP), for an
 * MLNode that does not report how many instances it started (v0.2.12). Undefined: MLNode's default.
 * @throws MlnodeBenchError MLNB_CONFIG naming the variable and its value.
 */
export function declaredInstanceCap(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const text = env.MLNODE_BENCH_INSTANCE_CAP
  if (text === undefined || text === '') return undefined
  const value = Number(text)
  if (!Number.isInteger(value) || value < 1) throw new MlnodeBenchError('MLNB_CONFIG', `environment variable MLNODE_BENCH_INSTANCE_CAP=${JSON.stringify(text)} must be a whole number >= 1 (the node's INFERENCE_MAX_INSTANCES)`, { details: { env: 'MLNODE_BENCH_INSTANCE_CAP', value: text } })
  return value
}

const targets = new Map<string, MlnodeTarget>()

/** One target per MLNode per worker, shared by every suite of the file. */
export function mlnodeTargetFor(endpoints: MlnodeEndpoints): MlnodeTarget {
  const k = `${endpoints.mgmtUrl} ${endpoints.inferenceUrl}`
  let target = targets.get(k)
  if (!target) targets.set(k, (target = new MlnodeTarget(endpoints)))
  return target
}
