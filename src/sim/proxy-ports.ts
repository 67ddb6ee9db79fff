/**
 * MLNode v0.2.12's proxy health map (docs/mlnode-v0.2.12.md): each `up` ADDS its vLLM ports,
 * marked down, to a map that is never pruned, and the health loop re-checks only the ports of
 * the latest `up`. A port still marked up when the next `up` replaces the list (a `down`
 * followed at once by an `up`, before the loop's next tick) stays up for good: a "stale" port.
 * pow/status lists it with status ERROR and the least-connections pick sends requests to it,
 * which fail with HTTP 500.
 *
 * The loop's tick after a `down` is modelled as happening after the client's next pow/status
 * poll (and, on a wall clock, HEALTH_LOOP_S later at the latest): on the virtual clock a
 * client's requests take no simulated time, so a free-running timer would always win the race a
 * real host loses; watching the proxy's own list is how a client waits for that tick.
 */
import type { SimClock } from './clock.js'

/** MLNode's proxy health-loop interval, seconds. */
export const HEALTH_LOOP_S = 2

export class ProxyPorts {
  /** Port → marked up; Map keeps insertion order, as the Python dict does. */
  private readonly marks = new Map<number, boolean>()
  private current: number[] = []
  private tickDue = false

  constructor(private readonly clock: SimClock, private readonly alive: (port: number) => boolean) {}

  /** `up`: the new ports join the map, marked down; old entries stay. */
  setup(ports: readonly number[]): void {
    this.current = [...ports]
    for (const port of ports) this.marks.set(port, false)
    this.tickDue = false
  }

  /** The health loop saw a port of the current list answer. */
  markUp(port: number): void {
    if (this.current.includes(port)) this.marks.set(port, true)
  }

  /** `down`: processes are gone; the loop notices at its next tick. */
  stopped(): void {
    this.tickDue = true
    // Wall clock: the loop ticks on its own too (virtual clock: see the file comment).
    if (Number.isFinite(this.clock.speed)) this.clock.at(this.clock.nowS() + HEALTH_LOOP_S, () => this.tick())
  }

  /** One health-loop pass over the CURRENT ports only. */
  tick(): void {
    if (!this.tickDue) return
    this.tickDue = false
    for (const port of this.current) this.marks.set(port, this.alive(port))
  }

  /** Ports marked up, in the map's order (what the proxy picks from and pow/status lists). */
  listed(): number[] {
    return [...this.marks].filter(([, up]) => up).map(([port]) => port)
  }

  /** Container restart: a fresh process, an empty map. */
  reset(): void {
    this.marks.clear()
    this.current = []
    this.tickDue = false
  }
}
