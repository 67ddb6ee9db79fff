/**
 * Opens a pool's connections before the clock starts: that many concurrent GET /v1/models each
 * hold one connection (pipelining 1), so the pool must open them all. Failures are ignored here:
 * an unreachable server shows up as per-request `connection` failures.
 */
import { setMaxListeners } from 'node:events'
import { setImmediate as yieldToLoop } from 'node:timers/promises'
import type { Pool } from 'undici'
import { endpointPath } from './endpoint.js'
import type { LoadTarget } from '../contracts/workload.js'

/** How long to wait, at most, for every warmed connection to be free again. */
const SETTLE_TIMEOUT_MS = 1000
/**
 * Bound on the whole warm-up: a server that accepts and never answers, or answers a byte now and
 * then (undici's body timeout restarts at every byte), must not hold the run before its clock.
 */
export const WARM_TIMEOUT_MS = 30_000

export async function warmPool(pool: Pool, target: LoadTarget, connections: number, signal?: AbortSignal): Promise<void> {
  const { path } = endpointPath(target.baseUrl, 'chat')
  const modelsPath = path.replace(/chat\/completions$/, 'models')
  // A timer of our own, not AbortSignal.timeout: combined signals of Node 20 may be collected before they fire.
  const stop = new AbortController()
  // Every warmed connection's request listens on it: no leak warning past 10 connections.
  setMaxListeners(0, stop.signal)
  const timer = setTimeout(() => stop.abort(), WARM_TIMEOUT_MS)
  const onAbort = (): void => stop.abort()
  if (signal?.aborted) stop.abort()
  signal?.addEventListener('abort', onAbort, { once: true })
  try {
    await Promise.all(
      Array.from({ length: connections }, async () => {
        try {
          const response = await pool.request({ path: modelsPath, method: 'GET', headers: target.headers, headersTimeout: WARM_TIMEOUT_MS, bodyTimeout: WARM_TIMEOUT_MS, signal: stop.signal })
          await response.body.dump({ limit: 1 << 20, signal: stop.signal })
        } catch {
          // Reported by the measured requests themselves.
        }
      }),
    )
  } finally {
    clearTimeout(timer)
    signal?.removeEventListener('abort', onAbort)
  }
  if (stop.signal.aborted) return
  // A warm-up answer can be read before its connection is marked free again (undici frees it a
  // loop turn later). A request sent in that gap waits in the pool's queue until then: measured
  // at 512 streams, the first wave's requests went out 20-80 ms after they were handed to undici.
  const settleBy = performance.now() + SETTLE_TIMEOUT_MS
  while (pool.stats.free < Math.min(connections, pool.stats.connected) && performance.now() < settleBy) await yieldToLoop()
}
