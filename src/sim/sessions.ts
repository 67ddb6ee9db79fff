/**
 * Client sessions of the simulated-time protocol (src/protocol/sim-sync.ts) on the HTTP
 * simulator's virtual clock: one SessionDispatcher per session, each holding the clock while the
 * simulation waits for its next request. A session whose client closes a request before its
 * answer ended (killed, or its workload stopped) is given up at once; one that just stops sending
 * is given up after `waitS` real seconds without progress. Neither freezes the simulator.
 */
import type { SimSyncRequest } from '../protocol/sim-sync.js'
import type { VirtualClock } from './virtual-clock.js'
import { SessionDispatcher } from './dispatcher.js'

interface Session {
  dispatcher: SessionDispatcher
  removeHold: () => void
  lastProgressMs: number
}

export class SessionRegistry {
  private readonly sessions = new Map<string, Session>()
  private watchdog: NodeJS.Timeout | undefined

  constructor(
    private readonly clock: VirtualClock,
    private readonly waitS: number,
    private readonly log: (line: string) => void,
  ) {}

  /** The dispatcher of `r`'s session, created on its first request (origin: the clock's now). */
  dispatcherFor(r: SimSyncRequest): SessionDispatcher {
    let session = this.sessions.get(r.session)
    if (session === undefined) {
      const dispatcher = new SessionDispatcher(this.clock, {
        count: r.count,
        maxInFlight: r.maxInFlight,
        originS: this.clock.nowS(),
        ...(r.durationS === undefined ? {} : { durationS: r.durationS }),
      })
      session = { dispatcher, removeHold: this.clock.addHold(() => dispatcher.holdFromS()), lastProgressMs: performance.now() }
      this.sessions.set(r.session, session)
      this.armWatchdog()
    }
    session.lastProgressMs = performance.now()
    return session.dispatcher
  }

  /** Called after every admission or finish: ends finished sessions, lets the clock run on. */
  settle(id: string): void {
    const session = this.sessions.get(id)
    if (session === undefined) return
    session.lastProgressMs = performance.now()
    if (session.dispatcher.done) this.end(id, session)
    else this.clock.kick()
  }

  /**
   * The client closed request `index` of session `id` before its answer ended. The client aborts
   * a whole workload at once (Ctrl-C, early stop, timeout), never one request: it will send no
   * more, and holding the clock for it would stall everyone else (a `down` after Ctrl-C too).
   */
  clientGone(id: string, index: number): void {
    const session = this.sessions.get(id)
    if (session === undefined) return
    this.log(`client session ${id} closed request ${index} before its end: given up, the simulation runs on`)
    session.dispatcher.abandon()
    this.end(id, session)
  }

  close(): void {
    for (const [id, s] of this.sessions) this.end(id, s)
    if (this.watchdog !== undefined) clearInterval(this.watchdog)
    this.watchdog = undefined
  }

  private end(id: string, session: Session): void {
    this.sessions.delete(id)
    session.removeHold()
  }

  private armWatchdog(): void {
    if (this.watchdog !== undefined) return
    this.watchdog = setInterval(() => {
      const nowMs = performance.now()
      for (const [id, s] of this.sessions) {
        const awaiting = s.dispatcher.awaiting
        if (awaiting === undefined || nowMs - s.lastProgressMs < this.waitS * 1000) continue
        this.log(`client session ${id} sent no request ${awaiting} for ${this.waitS} s: given up, the simulation runs on`)
        s.dispatcher.abandon()
        this.end(id, s)
      }
      if (this.sessions.size === 0 && this.watchdog !== undefined) {
        clearInterval(this.watchdog)
        this.watchdog = undefined
      }
    }, Math.min(1000, this.waitS * 250))
    this.watchdog.unref()
  }
}
