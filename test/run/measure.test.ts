/** Early stop of a workload that can no longer pass, against real loopback servers. */
import { describe, expect, it, onTestFinished } from 'vitest'
import type { WorkloadSpec } from '../../src/contracts/workload.js'
import { failureRateError, measureWorkload, STOP_AFTER_FAILURES } from '../../src/run/measure.js'
import { startHttp, vllmChatEvents, writeEvents } from '../load/helpers/server.js'

/** Answers /v1/models, and fails every `failEvery`-th completion with HTTP 500 (1 = all). */
async function server(failEvery: number) {
  let n = 0
  const s = await startHttp((req, res) => {
    if (req.url?.endsWith('/models')) return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"data":[]}')
    if (++n % failEvery === 0) return void res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":"boom"}')
    void writeEvents(res, vllmChatEvents(['a', 'b'], 10))
  })
  onTestFinished(() => s.close())
  return s.url
}

const spec: WorkloadSpec = { name: 'w', requests: 200, concurrency: 2, prompt: { tokens: 10 }, maxTokens: 2 }

describe('stopping a failing workload early', () => {
  it('stops once the failures decide the verdict, keeps what was measured and says why', async () => {
    const measured = await measureWorkload({ spec, inferenceUrl: await server(1), model: 'm', simulatedTime: false, timeoutS: 60, maxFailureRate: 0 })
    expect(measured.stoppedEarly?.failed).toBeGreaterThanOrEqual(STOP_AFTER_FAILURES)
    // Every measured request is kept; the rest were never sent (a handful may be in flight at the stop).
    expect(measured.stoppedEarly!.settled).toBeLessThan(20)
    // The requests this stop aborted are not counted as the server's failures.
    expect(measured.metrics.requests.failuresByReason).not.toHaveProperty('aborted')
    expect(measured.metrics.requests.total).toBeLessThan(20)
    const error = failureRateError(measured, 0, 'm tp1 w')!
    expect(error.code).toBe('MLNB_LOAD_STOPPED')
    expect(error.message).toMatch(/^m tp1 w: stopped early: \d+ of the first \d+ requests failed \(http_status x\d+\), more than the allowed fraction 0 of all 200; the rest were not sent/)
  })

  it('runs to the end while the failures stay within the allowed fraction', async () => {
    const measured = await measureWorkload({ spec: { ...spec, requests: 40 }, inferenceUrl: await server(10), model: 'm', simulatedTime: false, timeoutS: 60, maxFailureRate: 0.2 })
    expect(measured.stoppedEarly).toBeUndefined()
    expect(measured.metrics.requests).toMatchObject({ total: 40, failed: 4 })
    expect(failureRateError(measured, 0.2, 'x')).toBeUndefined()
  })
})

describe('a workload that runs out of time', () => {
  it('says it timed out after workloadTimeoutS instead of "stopped early … ()"', async () => {
    // Streams one token, then stays silent: only the workload's own time bound ends the requests.
    const s = await startHttp((req, res) => {
      if (req.url?.endsWith('/models')) return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"data":[]}')
      res.writeHead(200, { 'content-type': 'text/event-stream' })
      res.write('data: {"choices":[{"index":0,"delta":{"content":"a"}}]}\n\n')
    })
    onTestFinished(() => s.close())
    const measured = await measureWorkload({ spec: { ...spec, requests: 20, concurrency: 4 }, inferenceUrl: s.url, model: 'm', simulatedTime: false, timeoutS: 1, maxFailureRate: 0 })
    expect(measured.stoppedEarly).toBeUndefined()
    expect(measured.timedOutAfterS).toBe(1)
    const error = failureRateError(measured, 0, 'm tp1 w')!
    expect(error.code).toBe('MLNB_LOAD')
    expect(error.message).toMatch(/^m tp1 w: the workload timed out after 1 s \(workloadTimeoutS\): \d+ of \d+ requests were unfinished and recorded as aborted/)
  })
})
