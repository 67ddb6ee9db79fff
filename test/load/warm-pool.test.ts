/**
 * warmPool leaves every connection open AND free: a request handed to the pool right after it is
 * written at once on a warmed connection, not queued in the pool until a connection frees up (the
 * start-up burst test/perf/overhead.ts measured: 20-80 ms of queueing at 512 streams).
 */
import { Pool } from 'undici'
import { describe, expect, it, onTestFinished } from 'vitest'
import { warmPool } from '../../src/load/warm-pool.js'
import { startHttp } from './helpers/server.js'

describe('warmPool', () => {
  it('opens every connection and leaves them all free, so a first wave goes straight to its sockets', async () => {
    const server = await startHttp((_req, res) => res.end('{"object":"list","data":[]}'))
    onTestFinished(() => server.close())
    const connections = 48
    const pool = new Pool(server.url, { connections, pipelining: 1 })
    // Every warm-up request listens on one abort signal: Node must not warn of a leak (a user saw it on every run past 10 streams).
    const warnings: string[] = []
    const onWarning = (w: Error): void => void warnings.push(w.name)
    process.on('warning', onWarning)
    onTestFinished(() => void process.off('warning', onWarning))
    try {
      await warmPool(pool, { baseUrl: `${server.url}/v1`, model: 'm' }, connections)
      await new Promise((resolve) => setImmediate(resolve))
      expect(warnings.filter((w) => w === 'MaxListenersExceededWarning')).toEqual([])
      expect(pool.stats.connected).toBe(connections)
      expect(pool.stats.free).toBe(connections)
      const answers = Array.from({ length: connections }, () => pool.request({ path: '/v1/models', method: 'GET' }).then((r) => r.body.dump()))
      // Each went to a free connection of its own: none waits in the pool's queue.
      expect(pool.stats.queued).toBe(0)
      await Promise.all(answers)
    } finally {
      await pool.destroy()
    }
  })
})
