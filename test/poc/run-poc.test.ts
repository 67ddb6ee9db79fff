/**
 * runPoc against the simulator's MLNode over real loopback HTTP: init/generate fans out to the
 * four replicas, artifact batches reach the run's own callback server, the rate follows the
 * performance model, and PoC is stopped (every backend IDLE again) on success, stall and abort.
 */
import { describe, expect, it } from 'vitest'
import { PocClient } from '../../src/poc/client.js'
import { runPoc } from '../../src/poc/run-poc.js'
import { hasCode } from '../../src/errors.js'
import { batchSeconds, deployedSim, MODEL } from './sim-node.js'

async function statuses(client: PocClient): Promise<string[]> {
  return (await client.status()).backends.map((b) => b.status)
}

describe('runPoc on the simulated MLNode', () => {
  it('measures nonces/min over every backend from the callback batches, then stops PoC', async () => {
    const sim = await deployedSim()
    const client = new PocClient(sim.mgmtUrl)
    const run = await runPoc({ client, model: MODEL, spec: { durationS: 30, batchSize: 8 }, gpus: 8, simulatedTime: true })
    const r = run.result
    expect(run.initAnswer).toMatchObject({ status: 'OK', backends: 4, n_groups: 4, errors: null })
    expect(r.seqLen).toBe(256) // the chain's default for the model
    expect(r.backends.map((b) => b.group)).toEqual([0, 1, 2, 3])
    // One callback per backend every 5 simulated seconds up to 30 s.
    expect(r.callbacks).toBe(4 * 6)
    expect(r.durationS).toBeGreaterThanOrEqual(30)
    expect(r.firstArtifactS).toBe(5)
    // The model's price (what `predict --poc` says): 4 replicas, one batch of 8 nonces per prefill of 8 × 256 tokens.
    const expected = (4 * 8 * 60) / batchSeconds(8, 256)
    expect(r.noncesPerMin).toBeGreaterThan(expected * 0.97)
    expect(r.noncesPerMin).toBeLessThanOrEqual(expected * 1.001)
    expect(r.noncesPerMinPerGpu).toBeCloseTo(r.noncesPerMin / 8, 6)
    expect(r.backends.reduce((n, b) => n + b.nonces, 0)).toBe(r.nonces)
    for (const b of r.backends) expect(b.noncesPerMin).toBeCloseTo(r.noncesPerMin / 4, -1)
    expect(run.stopError).toBeUndefined()
    expect(await statuses(client)).toEqual(['IDLE', 'IDLE', 'IDLE', 'IDLE'])
    await client.close()
  })

  it('a batch × seq_len beyond --max-num-batched-tokens hangs the engine: MLNB_POC_STALLED, and PoC is stopped', async () => {
    const sim = await deployedSim()
    const client = new PocClient(sim.mgmtUrl)
    // 32 × 256 = 8192 tokens > the 2048 this GPU's vLLM schedules per step.
    const failure = await runPoc({ client, model: MODEL, spec: { durationS: 30, batchSize: 32, stallTimeoutS: 0.5 }, gpus: 8, simulatedTime: true }).catch((e: unknown) => e)
    expect(hasCode(failure, 'MLNB_POC_STALLED')).toBe(true)
    expect((failure as Error).message).toMatch(/no artifact for .* \(stallTimeoutS 0.5\); 0 nonces/)
    expect(await statuses(client)).toEqual(['IDLE', 'IDLE', 'IDLE', 'IDLE'])
    await client.close()
  })

  it('an abort (Ctrl-C, the workload timeout) stops PoC and says MLNB_ABORTED', async () => {
    const sim = await deployedSim()
    const client = new PocClient(sim.mgmtUrl)
    const controller = new AbortController()
    const pending = runPoc({ client, model: MODEL, spec: { durationS: 3600, batchSize: 8 }, gpus: 8, simulatedTime: true, signal: controller.signal })
    // Abort once generation really runs.
    for (let i = 0; i < 100 && !(await statuses(client)).includes('GENERATING'); i++) await new Promise((r) => setTimeout(r, 10))
    expect(await statuses(client)).toEqual(['GENERATING', 'GENERATING', 'GENERATING', 'GENERATING'])
    controller.abort(new Error('SIGINT'))
    const failure = await pending.catch((e: unknown) => e)
    expect(hasCode(failure, 'MLNB_ABORTED')).toBe(true)
    expect(await statuses(client)).toEqual(['IDLE', 'IDLE', 'IDLE', 'IDLE'])
    await client.close()
  })

  it('a model the backends do not serve: MLNB_POC with their 409, nothing left generating', async () => {
    const sim = await deployedSim()
    const client = new PocClient(sim.mgmtUrl)
    const failure = await runPoc({ client, model: 'other/model', spec: { durationS: 10, batchSize: 8 }, gpus: 8, simulatedTime: true }).catch((e: unknown) => e)
    expect(hasCode(failure, 'MLNB_POC')).toBe(true)
    expect((failure as Error).message).toMatch(/init\/generate failed: .*HTTP 502.*params mismatch/)
    expect(await statuses(client)).toEqual(['IDLE', 'IDLE', 'IDLE', 'IDLE'])
    await client.close()
  })

  it('the client computes explicit nonces and polls a queued request, as MLNode routes them', async () => {
    const sim = await deployedSim()
    const client = new PocClient(sim.mgmtUrl)
    const base = { block_hash: 'ab', block_height: 1, public_key: 'pk', node_id: 0, node_count: 1, params: { model: MODEL, seq_len: 256 }, batch_size: 8 }
    const done = await client.generate({ ...base, nonces: [1, 2, 3], wait: true })
    expect(done).toMatchObject({ status: 'completed', artifacts: [{ nonce: 1 }, { nonce: 2 }, { nonce: 3 }] })
    const queued = await client.generate({ ...base, nonces: [4, 5] })
    expect(queued.request_id).toMatch(/^500[1-4]:/)
    let polled = await client.generateResult(queued.request_id as string)
    for (let i = 0; i < 50 && polled.status === 'queued'; i++) polled = await client.generateResult(queued.request_id as string)
    expect(polled).toMatchObject({ status: 'completed', request_id: queued.request_id, artifacts: [{ nonce: 4 }, { nonce: 5 }] })
    await expect(client.generateResult('5001:nope')).rejects.toMatchObject({ code: 'MLNB_MLNODE_HTTP', details: { statusCode: 404 } })
    await client.close()
  })
})
