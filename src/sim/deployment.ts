/**
 * The simulated MLNode's inference manager: the up/down life cycle of one deployment, as
 * gonka-ai/gonka mlnode/packages/api/src/api/inference (routes.py, manager.py, vllm/runner.py)
 * behaves (docs/mlnode.md "Lifecycle", "Failure behaviour"):
 * - `up` starts replica i at i * staggerS; each is healthy after startupS; the start-up
 *   "completes" (and a blocking `up` returns) when replica 0 is healthy;
 * - the state says INFERENCE from the moment `up` is accepted (not a readiness check);
 * - a variant vLLM cannot run exits after failAfterS: up/status `failed` with
 *   "vLLM process exited prematurely: None"; after unhealthyS (3 failed health checks) MLNode
 *   exits and the container restarts: the `onContainerRestart` hook closes the sockets for
 *   restartS, then everything is back to STOPPED / not_started;
 * - `down`/`stop` kill the replicas (in-flight streams drop) and cancel a start in progress.
 * All durations are simulated seconds on the simulator's clock.
 */
import { stepNoiseSeed } from './rng.js'
import type { CancelFn, SimClock } from './clock.js'
import { Replica } from './replica.js'
import type { DeployRequest, PlannedVariant, VariantPlanner } from './variant.js'

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
  /** From the vLLM exit to MLNode's own exit (3 failed health checks). */
  unhealthyS: number
  /** Container restart: how long the API refuses connections. */
  restartS: number
}

/** The outcome a blocking `up` waits for. */
export type UpOutcome = { ok: true } | { ok: false; error: string }

/** What a Deployment needs from the simulator. */
export interface DeploymentOptions {
  clock: SimClock
  timings: LifecycleTimings
  planner: VariantPlanner
  hardwareId: string
  slowdown: number
  /** Step-time noise (coefficient of variation) and the seed of its streams. */
  noise?: { cv: number; seed: number }
  /** Called when MLNode exits after a failed start; resolves when the container is back. */
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
  variant: PlannedVariant | undefined
  replicas: Replica[] = []
  /** True between the failure and the container restart: /health answers 503. */
  unhealthy = false
  private startedAtS = 0
  private timers: CancelFn[] = []
  private waiters: Array<(o: UpOutcome) => void> = []
  private generation = 0

  constructor(private readonly o: DeploymentOptions) {}

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
    const variant = this.o.planner(request, hardwareId)
    this.variant = variant
    this.status = 'in_progress'
    this.error = undefined
    this.startedAtS = clock.nowS()
    const t0 = this.startedAtS
    const outcome = new Promise<UpOutcome>((resolve) => this.waiters.push(resolve))
    log?.(`instances to start: ${variant.instances}`)

    if (variant.plan === undefined || variant.instances < 1) {
      log?.(`vLLM failed to start: ${variant.failure ?? 'TP*PP exceeds the GPU count'}`)
      this.at(t0 + timings.failAfterS * this.o.slowdown, gen, () => this.fail(gen))
      return outcome
    }
    const plan = variant.plan
    const basePort = 5001
    this.replicas = Array.from({ length: variant.instances }, (_, i) => new Replica(i, basePort + i, plan, clock, this.o.slowdown, this.o.noise && { cv: this.o.noise.cv, seed: stepNoiseSeed(this.o.noise.seed + gen, i) }))
    for (const replica of this.replicas) {
      const readyS = t0 + (replica.index * timings.staggerS + timings.startupS) * this.o.slowdown
      this.at(readyS, gen, () => {
        replica.healthy = true
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
    for (const r of this.replicas) r.kill()
    this.replicas = []
    this.variant = undefined
    this.status = wasStarting ? 'cancelled' : 'not_started'
    this.error = undefined
    if (wasStarting) this.settle({ ok: false, error: 'Startup cancelled' })
  }

  /** Back to a fresh container: STOPPED / not_started. */
  reset(): void {
    this.stop()
    this.status = 'not_started'
    this.unhealthy = false
  }

  private fail(gen: number): void {
    const { timings, clock, log } = this.o
    for (const r of this.replicas) r.kill()
    this.replicas = []
    this.status = 'failed'
    this.error = VLLM_EXIT_ERROR
    this.unhealthy = true
    log?.(`Async startup failed: ${VLLM_EXIT_ERROR}`)
    this.settle({ ok: false, error: VLLM_EXIT_ERROR })
    for (let k = 1; k <= 3; k++) {
      this.at(clock.nowS() + (timings.unhealthyS * k) / 3, gen, () => log?.(`Manager InferenceManager is unhealthy (count ${k}/3)`))
    }
    // Not tied to this start: `down` or a new `up` in the meantime do not stop MLNode's exit.
    clock.at(clock.nowS() + timings.unhealthyS, () => {
      void this.o.onContainerRestart(timings.restartS).then(() => this.reset())
    })
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
