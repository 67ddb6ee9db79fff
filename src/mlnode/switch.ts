/**
 * Getting an MLNode v0.2.12 ready for the next variant (docs/mlnode-v0.2.12.md), all bounded
 * by one deadline:
 * 1. wait until /health answers 200: refused (container restarting) and timed-out calls (the
 *    watcher's stop blocking the event loop for ~35 s) both mean "coming back";
 * 2. `down`, noting whether it interrupted a start in progress;
 * 3. after an interrupted start, a grace period: MLNode's start-up thread records its error a
 *    few seconds later, /health turns 503, and MLNode freezes and exits; wait through that;
 * 4. settle: pow/status must list no backends (the proxy's health loop drops the old ports on
 *    its next tick), or only ERROR ones that stay listed (stale from before: reported).
 * Without step 4, an `up` right after `down` leaves the old ports in the proxy for good.
 */
import { setTimeout as delay } from 'node:timers/promises'
import { MlnodeBenchError, hasCode, isMlnodeBenchError } from '../errors.js'
import type { MlnodeClient } from './client.js'
import { DOWN_MIN_TIMEOUT_MS } from './client.js'
import type { HealthResponse } from './types.js'
import { isGone } from './version.js'
import { isErrorBackend } from './ready.js'

export interface SwitchOptions {
  /** Absolute deadline on `now()`'s scale, ms. */
  deadlineAt: number
  /** Named in messages, e.g. `[model variant]`. */
  label: string
  /** Monotonic ms. @default performance.now */
  now?: () => number
  /** @default node:timers/promises setTimeout */
  sleep?: (ms: number) => Promise<void>
  /** @default 2_000 */
  pollIntervalMs?: number
  /** MLNode-time grace after an interrupted start, ms (its error comes within ~3 s). @default 10_000 */
  graceMs?: number
  /** Polls an unchanged list of only-ERROR backends must last to count as stale for good. @default 5 */
  settlePolls?: number
  /** Progress lines. @default none */
  print?: (line: string) => void
  /**
   * Whether MLNode has answered since the run began. Until it has, a refused or unanswered
   * /health is a wrong URL or a dead host, not a restart: it fails at `deadlineAt` of this
   * contact instead of waiting out the deploy deadline. @default none (always wait)
   */
  contact?: FirstContact
}

/** Shared by every switch of a run: set once MLNode has answered anything. */
export interface FirstContact {
  reached: boolean
  /** When an MLNode that never answered is given up, on `now()`'s scale (ms). */
  deadlineAt: number
  /** The bound, for messages, s. */
  boundS: number
}

/** What the preparation saw. */
export interface SwitchReport {
  /** The `down` cut a start in progress short (MLNode then freezes and exits). */
  interrupted: boolean
  /** Ports pow/status keeps listing in ERROR after `down`: stale since before this run. */
  staleBefore: number[]
  /** The last 200 answer of /health. */
  health: HealthResponse
}

/** MLNode's own clock where the simulator publishes one (simulated ms), else ours. */
function mlnodeNowMs(health: HealthResponse, now: () => number): number {
  const sim = health.simulator as { nowS?: unknown } | undefined
  return typeof sim?.nowS === 'number' ? sim.nowS * 1000 : now()
}

export class NodeSwitch {
  readonly #now: () => number
  readonly #sleep: (ms: number) => Promise<void>
  readonly #poll: number

  constructor(readonly client: MlnodeClient, readonly o: SwitchOptions) {
    this.#now = o.now ?? (() => performance.now())
    this.#sleep = o.sleep ?? ((ms) => delay(ms))
    this.#poll = o.pollIntervalMs ?? 2_000
  }

  #remaining(): number {
    return this.o.deadlineAt - this.#now()
  }

  #timeout(what: string): MlnodeBenchError {
    return new MlnodeBenchError('MLNB_DEPLOY_TIMEOUT', `${this.o.label} ${what} within the deploy deadline`, { details: { endpoint: this.client.displayUrl } })
  }

  /** A call bounded by the deadline (and by the first-contact bound while MLNode never answered). */
  #control(): { timeoutMs: number } {
    const contact = this.o.contact
    const firstContactLeft = contact && !contact.reached ? contact.deadlineAt - this.#now() : Infinity
    return { timeoutMs: Math.max(1, Math.min(this.client.options.requestTimeoutMs, this.#remaining(), Math.max(1_000, firstContactLeft))) }
  }

  /** MLNode never answered since the run began, and its bound is over: a wrong URL, not a restart. */
  #neverReached(error: unknown): MlnodeBenchError | undefined {
    const contact = this.o.contact
    if (!contact || contact.reached || this.#now() < contact.deadlineAt) return undefined
    const what = hasCode(error, 'MLNB_MLNODE_TIMEOUT') ? 'accepted connections but never answered' : 'refused every connection'
    return new MlnodeBenchError(
      hasCode(error, 'MLNB_MLNODE_TIMEOUT') ? 'MLNB_MLNODE_TIMEOUT' : 'MLNB_MLNODE_REFUSED',
      `${this.o.label} MLNode at ${this.client.displayUrl} ${what} since the run began (${contact.boundS} s): is MLNODE_URL right, and is MLNode running there? (A node that answered once and then went away is waited for up to deployTimeoutS.)`,
      { cause: error, details: { endpoint: this.client.displayUrl, boundS: contact.boundS } },
    )
  }

  async #pause(what: string, untilContact = false): Promise<void> {
    if (this.#remaining() <= 0) throw this.#timeout(what)
    const contact = this.o.contact
    // While MLNode never answered, the next try comes no later than its first-contact bound.
    const contactLeft = untilContact && contact && !contact.reached ? Math.max(0, contact.deadlineAt - this.#now()) : Infinity
    await this.#sleep(Math.max(0, Math.min(this.#poll, this.#remaining(), contactLeft)))
    // No call squeezed into the last instant: its 1 ms timeout would hide the real reason.
    if (this.#remaining() <= 0) throw this.#timeout(what)
  }

  /** Step 1: /health 200. Too-old nodes (404) and bad bodies fail at once. */
  async healthy(): Promise<HealthResponse> {
    let told = ''
    for (;;) {
      let why: string
      try {
        const health = await this.client.health(this.#control())
        if (this.o.contact) this.o.contact.reached = true
        if (health.httpStatus === 200) return health
        why = `MLNode is unhealthy (HTTP ${health.httpStatus}, ${health.status})`
      } catch (error) {
        if (!isGone(error)) throw error
        const never = this.#neverReached(error)
        if (never) throw never
        why = hasCode(error, 'MLNB_MLNODE_TIMEOUT') ? 'MLNode does not answer (frozen before an exit, or restarting)' : 'MLNode refuses connections (container restarting)'
      }
      if (why !== told) this.o.print?.(`${this.o.label} ${why}; waiting`)
      told = why
      await this.#pause(`MLNode was not healthy (${why})`, true)
    }
  }

  /** Steps 1-4. */
  async prepare(): Promise<SwitchReport> {
    let health = await this.healthy()
    const downAtMs = mlnodeNowMs(health, this.#now)
    const interrupted = await this.#down()
    if (interrupted) health = await this.#grace(downAtMs, health)
    const staleBefore = await this.#settle()
    return { interrupted, staleBefore, health }
  }

  /** Step 2: `down`, bounded; true when a start was in progress. */
  async #down(): Promise<boolean> {
    let interrupted = false
    try {
      const status = await this.client.upStatus(this.#control())
      interrupted = status.status === 'in_progress' || status.is_starting === true
    } catch (error) {
      // Informative only; a real failure shows again on the next call.
      if (!isMlnodeBenchError(error)) throw error
    }
    const timeoutMs = Math.max(1, Math.min(DOWN_MIN_TIMEOUT_MS, this.#remaining()))
    await this.client.down({ timeoutMs })
    if (interrupted) this.o.print?.(`${this.o.label} down interrupted a start in progress: MLNode may fail and restart shortly; watching /health`)
    return interrupted
  }

  /** Step 3: watch /health for the grace period (MLNode time); ride out a freeze and restart. */
  async #grace(downAtMs: number, last: HealthResponse): Promise<HealthResponse> {
    const graceMs = this.o.graceMs ?? 10_000
    let health = last
    let sameClock = 0
    for (;;) {
      let answered: HealthResponse | undefined
      try {
        answered = await this.client.health(this.#control())
      } catch (error) {
        if (!isGone(error)) throw error
      }
      if (answered === undefined || answered.httpStatus !== 200) {
        // The interrupted start failed: wait until MLNode is back (restarted: nothing runs).
        return this.healthy()
      }
      const at = mlnodeNowMs(answered, this.#now)
      // A simulator's clock that no longer moves has nothing left scheduled: no failure is coming.
      sameClock = at === mlnodeNowMs(health, this.#now) ? sameClock + 1 : 0
      health = answered
      if (at - downAtMs >= graceMs || sameClock >= 20) return health
      await this.#pause('MLNode did not settle after an interrupted start')
    }
  }

  /** Step 4: no backend listed, or only ERROR ones that stay. Returns the stale ports. */
  async #settle(): Promise<number[]> {
    const polls = this.o.settlePolls ?? 5
    let previous = ''
    let same = 0
    for (;;) {
      const pow = await this.client.powStatus(this.#control())
      if (pow === undefined || pow.backends.length === 0) return []
      const onlyErrors = pow.backends.every(isErrorBackend)
      const ports = pow.backends.map((b) => b.port).sort((a, b) => a - b)
      const key = ports.join(',')
      same = onlyErrors && key === previous ? same + 1 : 0
      previous = key
      if (same >= polls) {
        this.o.print?.(`${this.o.label} pow/status keeps listing ports ${key} in ERROR after down: stale from before this run; MLNode's proxy may send requests to them (restart MLNode to clear)`)
        return ports
      }
      await this.#pause(`MLNode still listed backends ${key} after down`)
    }
  }
}
