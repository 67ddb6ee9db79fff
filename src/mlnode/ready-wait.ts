/**
 * The bounds and the wording of one wait for a deploy (ready.ts runs its steps): every call and
 * pause is bounded by the deploy's deadline and aborted by its signal, an error names model,
 * variant, endpoint, elapsed time and what was last seen, and a refused connection while MLNode
 * should be starting means its container went away.
 */
import { setTimeout as delay } from 'node:timers/promises'
import { MlnodeBenchError, hasCode, isMlnodeBenchError, type ErrorCode } from '../errors.js'
import type { ReadyProgress, WaitUntilReadyOptions } from './ready-types.js'
import type { MlnodeCalls } from './types.js'
import { isGone } from './version.js'

const defaultSleep = async (ms: number, signal?: AbortSignal): Promise<void> => {
  await delay(ms, undefined, signal === undefined ? undefined : { signal })
}

/** What a bounded call receives: the deploy's signal and the time it may take. */
export type CallControl = { signal?: AbortSignal; timeoutMs: number }

export class ReadyWait {
  /** What the wait saw last, quoted in its errors. */
  lastSeen = 'nothing yet'
  readonly deadlineMs: number
  private readonly now: () => number
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>
  private readonly pollIntervalMs: number
  private readonly started: number
  private readonly subject: string
  /** Errors already phrased for this deploy: passed through as they are. */
  private readonly phrased = new WeakSet<object>()

  constructor(
    readonly client: MlnodeCalls,
    readonly options: WaitUntilReadyOptions,
  ) {
    this.now = options.now ?? (() => performance.now())
    this.sleep = options.sleep ?? defaultSleep
    this.deadlineMs = options.deadlineMs ?? 20 * 60_000
    this.pollIntervalMs = options.pollIntervalMs ?? 2_000
    this.started = this.now()
    const { request, plan } = options
    this.subject = `${request.model}${options.variant === undefined ? '' : ` variant ${options.variant}`} (tp=${plan.tp} pp=${plan.pp}) at ${client.displayUrl}`
  }

  elapsedS(): number {
    return Math.round((this.now() - this.started) / 100) / 10
  }

  /** The deploy's error: "Deploy of <subject> failed after N s: <text>", with the details. */
  error(code: ErrorCode, text: string, cause?: unknown): MlnodeBenchError {
    const { request, variant } = this.options
    const made = new MlnodeBenchError(code, `Deploy of ${this.subject} failed after ${this.elapsedS()} s: ${text}`, {
      ...(cause === undefined ? {} : { cause }),
      details: {
        model: request.model,
        variant,
        endpoint: this.client.displayUrl,
        elapsedS: this.elapsedS(),
        lastSeen: this.lastSeen,
        ...(isMlnodeBenchError(cause) ? { call: (cause as MlnodeBenchError).details } : {}),
      },
    })
    this.phrased.add(made)
    return made
  }

  /** What the wait throws for `cause`: as is when phrased for this deploy, else rewrapped keeping the code of a call error. */
  phrase(cause: unknown): unknown {
    if (typeof cause === 'object' && cause !== null && this.phrased.has(cause)) return cause
    if (isMlnodeBenchError(cause)) {
      if (cause.code === 'MLNB_ABORTED') return this.error('MLNB_ABORTED', `aborted (${cause.message})`, cause)
      return this.error(cause.code, cause.message, cause)
    }
    return this.error('MLNB_DEPLOY_FAILED', cause instanceof Error ? cause.message : String(cause), cause)
  }

  private remainingMs(): number {
    return this.deadlineMs - (this.now() - this.started)
  }

  private timeout(cause?: unknown): MlnodeBenchError {
    return this.error('MLNB_DEPLOY_TIMEOUT', `not ready within the ${Math.round(this.deadlineMs / 1000)} s deadline (last seen: ${this.lastSeen})`, cause)
  }

  private checkpoint(): void {
    if (this.options.signal?.aborted) throw this.error('MLNB_ABORTED', `aborted while waiting (last seen: ${this.lastSeen})`)
    if (this.remainingMs() <= 0) throw this.timeout()
  }

  /** A call bounded by the deadline too; a call cut short by it is a deploy timeout. */
  async call<T>(run: (control: CallControl) => Promise<T>): Promise<T> {
    this.checkpoint()
    const signal = this.options.signal
    const requestTimeoutMs = this.client.options.requestTimeoutMs
    const timeoutMs = Math.max(1, Math.min(requestTimeoutMs, this.remainingMs()))
    try {
      return await run(signal === undefined ? { timeoutMs } : { signal, timeoutMs })
    } catch (cause) {
      if (hasCode(cause, 'MLNB_MLNODE_TIMEOUT') && timeoutMs < requestTimeoutMs) throw this.timeout(cause)
      throw cause
    }
  }

  /** A call whose refused connection means MLNode's container went away (it exits after a bad start). */
  async callAlive<T>(during: string, run: (control: CallControl) => Promise<T>): Promise<T> {
    try {
      return await this.call(run)
    } catch (cause) {
      if (isGone(cause)) throw this.restarted(cause, during)
      throw cause
    }
  }

  /** The pause between polls, within the deadline. */
  async pause(): Promise<void> {
    this.checkpoint()
    try {
      await this.sleep(Math.max(0, Math.min(this.pollIntervalMs, this.remainingMs())), this.options.signal)
    } catch (cause) {
      throw this.error('MLNB_ABORTED', `aborted while waiting (last seen: ${this.lastSeen})`, cause)
    }
    this.checkpoint()
  }

  restarted(cause: unknown, during: string): MlnodeBenchError {
    return this.error(
      'MLNB_DEPLOY_FAILED',
      `MLNode stopped answering ${during} (${hasCode(cause, 'MLNB_MLNODE_TIMEOUT') ? 'calls time out: its event loop is blocked before it exits' : 'connection refused: its container restarted'}). ` +
        `MLNode exits after a start that was interrupted or failed badly; see its log. Last seen: ${this.lastSeen}. Call: ${(cause as Error).message}`,
      cause,
    )
  }

  report(progress: Omit<ReadyProgress, 'elapsedS'>): void {
    this.options.onProgress?.({ elapsedS: this.elapsedS(), ...progress })
  }
}
