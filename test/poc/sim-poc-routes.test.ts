/**
 * The simulator's PoC v2 routes as MLNode's (pow_v2_routes.py over the vLLM fork's routes.py and
 * callbacks.py), over real loopback HTTP: validation and refusals, the callback retry with its
 * backoff on simulated time, status-paced generation without a url, and explicit /generate with
 * validation.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { describe, expect, it, onTestFinished } from 'vitest'
import { startSimulator } from '../../src/sim/index.js'
import { deployedSim, MODEL } from './sim-node.js'

const post = async (url: string, body: unknown) => {
  const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
  return { status: r.status, body: (await r.json()) as any }
}
const get = async (url: string) => (await (await fetch(url)).json()) as any
const INIT = { block_hash: 'ab', block_height: 1, public_key: 'pk', node_id: 0, node_count: 1, batch_size: 8, params: { model: MODEL, seq_len: 256 } }

describe('the simulated MLNode PoC v2 routes', () => {
  it('refuse like MLNode: no backends 503, a bad body 422, a second init per backend 409, and stop fans out', async () => {
    const bare = await startSimulator({ clock: 'virtual' })
    onTestFinished(() => bare.close())
    expect(await post(`${bare.mgmtUrl}/api/v1/inference/pow/init/generate`, INIT)).toEqual({ status: 503, body: { detail: 'No vLLM backends available' } })
    expect(await post(`${bare.mgmtUrl}/api/v1/inference/pow/stop`, {})).toEqual({ status: 200, body: { status: 'OK', message: 'No backends to stop' } })
    const sim = await deployedSim()
    const pow = `${sim.mgmtUrl}/api/v1/inference/pow`
    const bad = await post(`${pow}/init/generate`, { ...INIT, params: { model: MODEL, seq_len: 256, extra: 1 } })
    expect(bad.status).toBe(422)
    expect(bad.body.detail).toContainEqual(expect.objectContaining({ type: 'extra_forbidden', loc: ['body', 'params', 'extra'] }))
    const first = await post(`${pow}/init/generate`, INIT)
    expect(first.body).toEqual({ status: 'OK', backends: 4, n_groups: 4, results: [5001, 5002, 5003, 5004].map((port) => ({ port, status: 'OK' })), errors: null })
    expect((await get(`${pow}/status`)).status).toBe('GENERATING')
    const again = await post(`${pow}/init/generate`, INIT)
    expect(again.status).toBe(502)
    expect(again.body.detail.errors).toHaveLength(4)
    expect(again.body.detail.errors[0].error).toContain('Already generating')
    const stop = await post(`${pow}/stop`, {})
    expect(stop.body.results).toHaveLength(4)
    expect((await get(`${pow}/status`)).status).toBe('IDLE')
  })

  it('without a url, generation runs one callback interval per status poll on simulated time', async () => {
    const sim = await deployedSim()
    const pow = `${sim.mgmtUrl}/api/v1/inference/pow`
    await post(`${pow}/init/generate`, INIT)
    const processed = async () => ((await get(`${pow}/status`)).backends as Array<{ stats: { total_processed: number } }>).map((b) => b.stats.total_processed)
    const a = await processed()
    await new Promise((r) => setTimeout(r, 100))
    const b = await processed()
    await new Promise((r) => setTimeout(r, 100))
    const c = await processed()
    expect(b[0]!).toBeGreaterThan(a[0]!)
    expect(c[0]! - b[0]!).toBe(b[0]! - a[0]!)
    await post(`${pow}/stop`, {})
  })

  it('a failed callback is retried with the same artifacts after 1 s, then 2 s (simulated), as the fork does', async () => {
    const sim = await deployedSim()
    const seen: Array<{ at: number; first: number; ok: boolean }> = []
    let answers = 0
    const receiver = createServer((req, res) => {
      const chunks: Buffer[] = []
      req.on('data', (c: Buffer) => chunks.push(c))
      req.on('end', () => {
        const body = JSON.parse(Buffer.concat(chunks).toString()) as { artifacts: Array<{ nonce: number }>; encoding: unknown }
        // Only backend 0's callbacks (group 0: nonces divisible by 4).
        if (body.artifacts[0]!.nonce % 4 === 0) {
          const ok = answers++ >= 2
          seen.push({ at: Number(req.headers['x-mlnode-bench-sim-s']), first: body.artifacts[0]!.nonce, ok })
          res.writeHead(ok ? 200 : 500).end()
        } else res.writeHead(200).end()
      })
    })
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()))
    onTestFinished(() => new Promise<void>((r) => receiver.close(() => r())))
    const pow = `${sim.mgmtUrl}/api/v1/inference/pow`
    await post(`${pow}/init/generate`, { ...INIT, url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/cb` })
    for (let i = 0; i < 200 && seen.length < 4; i++) await new Promise((r) => setTimeout(r, 25))
    await post(`${pow}/stop`, {})
    const t0 = seen[0]!.at
    expect(seen.slice(0, 4).map((s) => [s.at - t0, s.first, s.ok])).toEqual([[0, 0, false], [1, 0, false], [3, 0, true], [8, seen[3]!.first, true]])
    expect(seen[3]!.first).toBeGreaterThan(0)
  })

  it('/generate computes explicit nonces and validates artifacts with the binomial test', async () => {
    const sim = await deployedSim()
    const pow = `${sim.mgmtUrl}/api/v1/inference/pow`
    const nonces = Array.from({ length: 20 }, (_, i) => i)
    const computed = await post(`${pow}/generate`, { ...INIT, nonces, wait: true })
    expect(computed.body).toMatchObject({ status: 'completed', encoding: { dtype: 'f16', k_dim: 12, endian: 'le' } })
    const artifacts = computed.body.artifacts as Array<{ nonce: number; vector_b64: string }>
    expect(artifacts.map((a) => a.nonce)).toEqual(nonces)
    expect(Buffer.from(artifacts[0]!.vector_b64, 'base64')).toHaveLength(24)
    const honest = await post(`${pow}/generate`, { ...INIT, nonces, wait: true, validation: { artifacts } })
    expect(honest.body).toMatchObject({ n_total: 20, n_mismatch: 0, fraud_detected: false })
    const forged = artifacts.map((a, i) => (i < 5 ? { ...a, vector_b64: artifacts[(i + 7) % 20]!.vector_b64 } : a))
    const fraud = await post(`${pow}/generate`, { ...INIT, nonces, wait: true, validation: { artifacts: forged }, stat_test: { dist_threshold: 0.02, p_mismatch: 0.001, fraud_threshold: 0.01 } })
    expect(fraud.body).toMatchObject({ n_total: 20, n_mismatch: 5, mismatch_nonces: [0, 1, 2, 3, 4], fraud_detected: true })
    const queued = await post(`${pow}/generate`, { ...INIT, nonces })
    expect(queued.body.request_id).toMatch(/^500[1-4]:[0-9a-f-]{36}$/)
    let polled = await get(`${pow}/generate/${queued.body.request_id}`)
    for (let i = 0; i < 50 && polled.status === 'queued'; i++) polled = await get(`${pow}/generate/${queued.body.request_id}`)
    expect(polled).toMatchObject({ status: 'completed', request_id: queued.body.request_id })
    expect(await post(`${pow}/generate`, { ...INIT, nonces: [1, 2], validation: { artifacts: artifacts.slice(0, 1) }, wait: true })).toEqual({ status: 400, body: { detail: 'validation.artifacts nonces must match nonces field' } })
  })
})
