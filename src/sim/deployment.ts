/**
 * The simulated MLNode's inference manager: the up/down life cycle of one deployment, as
 * gonka-ai/gonka mlnode/packages/api/src/api/inference (routes.py, manager.py, vllm/runner.py)
 * behaves (docs/mlnode.md "Lifecycle", "Failure behaviour"):
 * - `up` starts replica i at i * staggerS; each is healthy after startupS; the start-up
 *   "completes" (and a blocking `up` returns) when replica 0 is healthy;
 * - the state says INFERENCE from the moment `up` is accepted (not a readiness check);
 * - a variant vLLM cannot run exits after failAfterS: up/status `failed` with
 *   "vLLM process exited prematurely: None"; /health stays 200 (v0.2.12 counts only running
 *   managers) and the next `down` clears the error;
 * - `down`/`stop` kill the replicas (in-flight streams drop) and cancel a start in progress.
 *   A start cut short this way leaves MLNode's start-up thread running (v0.2.12): after
 *   interruptFailS it records an error and /health answers 503; after unhealthyS (3 failed
 *   checks) the watcher's stop freezes the API for freezeS (calls hang), then MLNode exits and
 *   the container restarts (`onContainerRestart`: sockets refuse for restartS, then STOPPED);
 * - at most maxInstances replicas start (INFERENCE_MAX_INSTANCES), and the proxy keeps stale
 *   ports after a `down` immediately followed by an `up` (./proxy-ports.ts).
 * All durations are simulated seconds on the simulator's clock.
 */
import { stepNoiseSeed } from './rng.js'
import { runNoiseFactors } from './run-noise.js'
import { startupLogLines } from './vllm-startup-log.js'
import type { CancelFn, SimClock } from './clock.js'
import { ProxyPorts } from './proxy-ports.js'
import { Replica } from './replica.js'
import type { DeployRequest, ResolvedVariant, VariantResolver } from './variant.js'

/** `status` of GET /api/v1/inference/up/status. */
export type UpStatus = 'not_started' | 'in_progress' | 'completed' | 'failed' | 'cancelled'

/** Simulated-time knobs of the MLNode life cycle. */
export interface LifecycleTimings {
  /** Replica load time (weights, CUDA graphs), simulated s. */
  startupS: number
  /** Delay between replica starts (real MLNode: 5 s). */
  staggerS: number
  /** Time until vLLM exits on a variant it cannot run. */
  failAfterS: number
  /** After a `down` that interrupted a start: until MLNode's start-up thread records its error (/health 503). */
  interruptFailS: number
  /** From /health 503 to the watcher's stop (3 failed health checks). */
  unhealthyS: number
  /** How long the watcher's stop blocks MLNode's event loop before the process exits. */
  freezeS: number
  /** Container restart: how long the API refuses connections. */
  restartS: number
}

/** The outcome a blocking `up` waits for. */
export type UpOutcome = { ok: true } | { ok: false; error: string }

/** What a Deployment needs from the simulator. */
export interface DeploymentOptions {
  clock: SimClock
  timings: LifecycleTimings
  resolveVariant: VariantResolver
  hardwareId: string
  slowdown: number
  /** Step-time noise (coefficient of variation) and the seed of its streams. */
  noise?: { cv: number; seed: number }
  /** Run-level noise (src/sim/run-noise.ts): drawn per GPU and per replica at every `up`. */
  runNoise?: { level: number; seed: number }
  /** INFERENCE_MAX_INSTANCES of the node. @default 128 */
  maxInstances?: number
  /** The API stops answering (MLNode's event loop is blocked) until the container restart. */
  onFreeze?(): void
  /** Called when MLNode exits after an interrupted start; resolves when the container is back. */
  onContainerRestart(downS: number): Promise<void>
  /** Log lines as MLNode prints them. */
  log?(line: string): void
}

/** vLLM's own message when its process dies during start-up, whatever the cause. */
export const VLLM_EXIT_ERROR = 'vLLM process exited prematurely: None'

/** The one inference deployment of a simulated MLNode and its life cycle. */
export class Deployment {
  status: UpStatus = 'not_started'
  error: string | undefined
  variant: ResolvedVariant | undefined
  /** The deploy request of `variant` (its args decide the simulated logits, src/sim/logits.ts). */
  request: DeployRequest | undefined
  replicas: Replica[] = []
  /** True between the late start-up error and the container restart: /health answers 503. */
  unhealthy = false
  /** MLNode's proxy health map (stale ports). */
  readonly proxy: ProxyPorts
  private startedAtS = 0
  private timers: CancelFn[] = []
  private waiters: Array<(o: UpOutcome) => void> = []
  private generation = 0

  constructor(private readonly o: DeploymentOptions) {
    this.proxy = new ProxyPorts(o.clock, (port) => this.replicas.some((r) => r.port === port && r.healthy))
  }

  /** The hardware profile this MLNode emulates. */
  get hardwareId(): string {
    return this.o.hardwareId
  }

  get isStarting(): boolean {
    return this.status === 'in_progress'
  }

  get isRunning(): boolean {
    return this.status === 'completed' && this.replicas.length > 0
  }

  /** INFERENCE from the moment a start is accepted until down/failure-restart. */
  get state(): 'STOPPED' | 'INFERENCE' {
    return this.status === 'in_progress' || this.status === 'completed' || (this.status === 'failed' && this.unhealthy) ? 'INFERENCE' : 'STOPPED'
  }

  get elapsedS(): number {
    return Math.max(0, this.o.clock.nowS() - this.startedAtS)
  }

  healthyReplicas(): Replica[] {
    return this.replicas.filter((r) => r.healthy)
  }

  /** Why `up` must be refused with 409 now, or undefined. Messages are MLNode's. */
  conflict(): string | undefined {
    if (this.isRunning) return 'VLLM is already running. Use /inference/down to stop it first.'
    if (this.isStarting) return 'VLLM startup is already in progress. Use /inference/up/status to check status.'
    return undefined
  }

  /** Accepts a start (caller checked `conflict()`); resolves when it completes or fails. */
  start(request: DeployRequest): Promise<UpOutcome> {
    this.clearTimers()
    const gen = ++this.generation
    const { clock, timings, hardwareId, log } = this.o
    const planned = this.o.resolveVariant(request, hardwareId)
    const variant = { ...planned, instances: Math.min(planned.instances, this.o.maxInstances ?? 128) }
    this.variant = variant
    this.request = request
    this.status = 'in_progress'
    this.error = undefined
    this.startedAtS = clock.nowS()
    const t0 = this.startedAtS
    const outcome = new Promise<UpOutcome>((resolve) => this.waiters.push(resolve))
    log?.(`instances to start: ${variant.instances}`)

    if (variant.plan === undefined || variant.instances < 1) {
      log?.(`vLLM failed to start: ${variant.failure ?? 'TP*PP exceeds the GPU count'}`)
      this.at(t0 + timings.failAfterS * this.o.slowdown, gen, () => this.fail())
      return outcome
    }
    const plan = variant.plan
    const basePort = 5001
    const startupS = variant.startupS ?? timings.startupS
    this.proxy.setup(Array.from({ length: variant.instances }, (_, i) => basePort + i))
    const runFactors = runNoiseFactors(this.o.runNoise?.level ?? 0, this.o.runNoise?.seed ?? 0, gen, variant.instances, variant.tp * variant.pp)
    this.replicas = Array.from({ length: variant.instances }, (_, i) => new Replica(i, basePort + i, plan, clock, this.o.slowdown * runFactors[i]!, this.o.noise && { cv: this.o.noise.cv, seed: stepNoiseSeed(this.o.noise.seed + gen, i) }))
    // A start that never finishes (a stuck download): no replica ever comes up.
    if (!Number.isFinite(startupS)) return outcome
    for (const replica of this.replicas) {
      const readyS = t0 + (replica.index * timings.staggerS + startupS) * this.o.slowdown
      this.at(readyS, gen, () => {
        for (const line of startupLogLines(plan, replica.index)) log?.(line)
        replica.healthy = true
        this.proxy.markUp(replica.port)
        if (replica.index === 0) {
          this.status = 'completed'
          log?.(`vLLM is up and running with ${this.replicas.length} instance(s).`)
          this.settle({ ok: true })
        }
      })
    }
    return outcome
  }

  /** `down` / `stop`: kills replicas, cancels a start in progress. */
  stop(): void {
    this.generation++
    this.clearTimers()
    const wasStarting = this.status === 'in_progress'
    const hadReplicas = this.replicas.length > 0
    for (const r of this.replicas) r.kill()
    this.replicas = []
    this.variant = undefined
    this.request = undefined
    this.status = wasStarting ? 'cancelled' : 'not_started'
    this.error = undefined
    if (hadReplicas) this.proxy.stopped()
    if (wasStarting) {
      this.settle({ ok: false, error: 'Startup cancelled' })
      this.interrupted()
    }
  }

  /**
   * The aftermath of an interrupted start (v0.2.12): not tied to a generation, since neither
   * `down` nor a new `up` stops MLNode's start-up thread, its watcher or its exit.
   */
  private interrupted(): void {
    const { clock, timings, log } = this.o
    const errorAtS = clock.nowS() + timings.interruptFailS
    clock.at(errorAtS, () => {
      this.unhealthy = true
      log?.('Async startup failed: startup interrupted by stop')
      for (let k = 1; k <= 3; k++) clock.at(errorAtS + (timings.unhealthyS * k) / 3, () => log?.(`Manager InferenceManager is unhealthy (count ${k}/3)`))
    })
    clock.at(errorAtS + timings.unhealthyS, () => {
      log?.('Watcher: stopping unhealthy manager (event loop blocked)')
      this.o.onFreeze?.()
    })
    clock.at(errorAtS + timings.unhealthyS + timings.freezeS, () => {
      void this.o.onContainerRestart(timings.restartS).then(() => this.reset())
    })
  }

  /** Back to a fresh container: STOPPED / not_started, an empty proxy map. */
  reset(): void {
    this.generation++
    this.clearTimers()
    for (const r of this.replicas) r.kill()
    this.replicas = []
    this.variant = undefined
    this.request = undefined
    this.status = 'not_started'
    this.error = undefined
    this.unhealthy = false
    this.proxy.reset()
    this.settle({ ok: false, error: 'MLNode restarted' })
  }

  private fail(): void {
    const { log } = this.o
    const hadReplicas = this.replicas.length > 0
    for (const r of this.replicas) r.kill()
    this.replicas = []
    if (hadReplicas) this.proxy.stopped()
    this.status = 'failed'
    this.error = VLLM_EXIT_ERROR
    log?.(`Async startup failed: ${VLLM_EXIT_ERROR}`)
    this.settle({ ok: false, error: VLLM_EXIT_ERROR })
  }

  private settle(outcome: UpOutcome): void {
    const waiters = this.waiters
    this.waiters = []
    for (const w of waiters) w(outcome)
  }

  private at(atS: number, gen: number, fn: () => void): void {
    this.timers.push(this.o.clock.at(atS, () => {
      if (gen === this.generation) fn()
    }))
  }

  private clearTimers(): void {
    for (const cancel of this.timers) cancel()
    this.timers = []
  }
}
