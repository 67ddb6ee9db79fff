/**
 * One vLLM replica inside the simulated MLNode: an Engine plus the per-request callbacks of the
 * HTTP layer. A replica is healthy once its simulated start-up is over.
 */
import type { InstanceModel } from '../model/types.js'
import type { SimClock } from './clock.js'
import { Engine, type EngineRequest } from './engine.js'
import { StageBusy, withStageShares } from './gpu-busy.js'

/** What the HTTP layer wants to hear about one request. */
export interface RequestHandlers {
  onToken(count: number, atS: number): void
  onFinish(atS: number): void
  /** The engine cannot take the request (larger than the whole KV cache). */
  onReject(reason: string): void
  /** The replica went away (`down`, `stop`, failed start): drop the connection. */
  onAbort(): void
}

/** A replica: its Engine and the HTTP callbacks of the requests it serves. */
export class Replica {
  healthy = false
  readonly engine: Engine
  /** Each pipeline stage's GPU busy share, for MLNode's /api/v1/gpu/devices (gpu-busy.ts). */
  readonly busy: StageBusy
  private readonly handlers = new Map<string, RequestHandlers>()

  constructor(
    readonly index: number,
    /** The vLLM port MLNode would give this replica (for pow/status). */
    readonly port: number,
    plan: InstanceModel,
    /** The simulator's clock and step-time factor, also for PoC batches (src/sim/poc.ts). */
    readonly clock: SimClock,
    readonly slowdown: number,
    noise?: { cv: number; seed: number },
  ) {
    this.busy = new StageBusy(plan.engine.pp)
    const staged = withStageShares(plan)
    this.engine = new Engine(staged.plan, clock, {
      onStep: (step) => this.busy.record(step.startS, step.durationS, staged.shares(step.batch, step.durationS / slowdown)),
      onToken: (r, count, atS) => this.handlers.get(r.id)?.onToken(count, atS),
      onFinish: (r, atS) => this.take(r.id)?.onFinish(atS),
      onReject: (r, reason) => this.take(r.id)?.onReject(reason),
    }, { slowdown, ...(noise ? { noiseCv: noise.cv, noiseSeed: noise.seed } : {}) })
  }

  get inFlight(): number {
    return this.engine.inFlight
  }

  submit(request: EngineRequest, handlers: RequestHandlers, arrivalS: number): void {
    this.handlers.set(request.id, handlers)
    this.engine.add(request, arrivalS)
  }

  /** The client went away: free the request's engine slot quietly. */
  cancel(id: string): void {
    this.handlers.delete(id)
    this.engine.abort(id)
  }

  /** The process dies: every in-flight request's connection drops. */
  kill(): void {
    this.healthy = false
    const all = [...this.handlers.values()]
    this.handlers.clear()
    this.engine.abortAll()
    for (const h of all) h.onAbort()
  }

  private take(id: string): RequestHandlers | undefined {
    const h = this.handlers.get(id)
    this.handlers.delete(id)
    return h
  }
}
