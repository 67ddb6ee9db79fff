/**
 * runPoc on the wall clock against a fake MLNode whose backends serve PoC v2 like v0.2.12: the
 * rate from real callback batches, and PoC left stopped (the stop call recorded, every backend
 * idle) on success, stall, abort, a failing stop and a generation left over by an earlier run.
 */
import { describe, expect, it, onTestFinished } from 'vitest'
import { hasCode } from '../../src/errors.js'
import { PocClient } from '../../src/poc/client.js'
import { runPoc } from '../../src/poc/run-poc.js'
import { startFakePocMlnode, type FakePocOptions } from './fake-poc-mlnode.js'

const STOP = 'POST /api/v1/inference/pow/stop'
const INIT = 'POST /api/v1/inference/pow/init/generate'

async function setup(o: FakePocOptions = {}) {
  const node = await startFakePocMlnode(o)
  const client = new PocClient(node.url)
  onTestFinished(async () => {
    await client.close()
    await node.close()
  })
  return { node, client }
}

describe('runPoc against a fake MLNode on the wall clock', () => {
  it('counts the batches of every backend for durationS, rates them over its own clock, and stops PoC', async () => {
    const { node, client } = await setup({ backends: 2, intervalMs: 50, perBatch: 10 })
    const run = await runPoc({ client, model: 'm', spec: { durationS: 0.6, batchSize: 10, seqLen: 128 }, gpus: 4, simulatedTime: false })
    const r = run.result
    expect(r.durationS).toBeGreaterThanOrEqual(0.6)
    expect(r.backends.map((b) => b.group)).toEqual([0, 1])
    for (const b of r.backends) expect(b.nonces).toBeGreaterThan(0)
    // 2 backends × 10 nonces per 50 ms = 24 000 nonces/min at most; timers only run late.
    expect(r.noncesPerMin).toBeLessThanOrEqual(24_000 * 1.1)
    expect(r.noncesPerMin).toBeGreaterThan(24_000 * 0.4)
    expect(r.noncesPerMinPerGpu).toBeCloseTo(r.noncesPerMin / 4, 6)
    expect(r.seqLen).toBe(128)
    expect(node.calls.filter((c) => c === INIT)).toHaveLength(1)
    expect(node.calls.at(-2)).toBe(STOP)
    expect(node.generating()).toEqual([false, false])
  })

  it('no artifact within stallTimeoutS: MLNB_POC_STALLED, PoC stopped', async () => {
    const { node, client } = await setup({ stall: true })
    const failure = await runPoc({ client, model: 'm', spec: { durationS: 60, stallTimeoutS: 0.3 }, gpus: 2, simulatedTime: false }).catch((e: unknown) => e)
    expect(hasCode(failure, 'MLNB_POC_STALLED')).toBe(true)
    expect(node.calls).toContain(STOP)
    expect(node.generating()).toEqual([false, false])
  })

  it('an abort signal: MLNB_ABORTED, PoC stopped', async () => {
    const { node, client } = await setup()
    const controller = new AbortController()
    setTimeout(() => controller.abort(new Error('SIGINT')), 200)
    const failure = await runPoc({ client, model: 'm', spec: { durationS: 60 }, gpus: 2, simulatedTime: false, signal: controller.signal }).catch((e: unknown) => e)
    expect(hasCode(failure, 'MLNB_ABORTED')).toBe(true)
    expect((failure as Error).message).toContain('SIGINT')
    expect(node.calls).toContain(STOP)
    expect(node.generating()).toEqual([false, false])
  })

  it('a stop that fails after a good run: the figures are kept, the run says MLNB_POC_STOP', async () => {
    const { client } = await setup({ stopFails: true })
    const run = await runPoc({ client, model: 'm', spec: { durationS: 0.3 }, gpus: 2, simulatedTime: false, idleWaitMs: 200 })
    expect(run.result.nonces).toBeGreaterThan(0)
    expect(run.stopError?.code).toBe('MLNB_POC_STOP')
    expect(run.stopError?.message).toMatch(/pow\/stop at http:\/\/127\.0\.0\.1:\d+ failed: .*HTTP 500/)
  })

  it('a generation left running by an earlier run is stopped before init/generate (it would answer 409)', async () => {
    const { node, client } = await setup()
    node.leaveGenerating()
    const run = await runPoc({ client, model: 'm', spec: { durationS: 0.3 }, gpus: 2, simulatedTime: false })
    expect(run.initAnswer.errors).toBeNull()
    expect(node.calls.indexOf(STOP)).toBeLessThan(node.calls.indexOf(INIT))
    expect(node.generating()).toEqual([false, false])
  })
})
