import { afterEach, describe, expect, it } from 'vitest'
import { runWorkload } from '../../src/load/index.js'
import { summarize } from '../../src/metrics/index.js'
import { startHttp, vllmChatEvents, writeEvents, type Started } from './helpers/server.js'

let server: Started | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

describe('runWorkload (closed loop) + summarize', () => {
  it('measures every request of a vLLM-like stream', async () => {
    server = await startHttp((req, res) => {
      if (req.url === '/v1/models') {
        res.end(JSON.stringify({ data: [{ id: 'm' }] }))
        return
      }
      void writeEvents(res, vllmChatEvents(['a', ' b', ' c', ' d']), 2)
    })
    const run = await runWorkload({ baseUrl: server.url, model: 'm' }, { name: 'smoke', requests: 6, warmupRequests: 2, concurrency: 3, prompt: { tokens: 20 }, maxTokens: 4 })
    expect(run.records).toHaveLength(8)
    expect(run.records.filter((r) => r.warmup)).toHaveLength(2)
    expect(run.records.every((r) => r.failure === undefined)).toBe(true)
    const m = summarize(run)
    expect(m.requests).toMatchObject({ total: 6, completed: 6, failed: 0 })
    expect(m.outputTokens).toBe(24)
    expect(m.itlMs.count).toBe(18)
    expect(m.ttftMs.count).toBe(6)
    expect(m.compressa.FAILED_REQUESTS).toBe(0)
    expect(run.connectMs).toBeGreaterThanOrEqual(0)
  })
})
