/**
 * Opens a pool's connections before the clock starts: that many concurrent GET /v1/models each
 * hold one connection (pipelining 1), so the pool must open them all. Failures are ignored here:
 * an unreachable server shows up as per-request `connection` failures.
 */
import type { Pool } from 'undici'
import { endpointPath } from './endpoint.js'
import type { LoadTarget } from '../contracts/workload.js'

export async function warmPool(pool: Pool, target: LoadTarget, connections: number): Promise<void> {
  const { path } = endpointPath(target.baseUrl, 'chat')
  const modelsPath = path.replace(/chat\/completions$/, 'models')
  await Promise.all(
    Array.from({ length: connections }, async () => {
      try {
        const response = await pool.request({ path: modelsPath, method: 'GET', headers: target.headers, headersTimeout: 30_000, bodyTimeout: 30_000 })
        await response.body.dump()
      } catch {
        // Reported by the measured requests themselves.
      }
    }),
  )
}
