import { describe, expect, it } from 'vitest'
import { getJson, postJson, startTestSim, up, waitFor } from './helpers.js'

/**
 * The wall-clock lifecycle tests look at one phase at a time. While the test looks, simulated
 * time is held (at this speed 1 real s = 1 simulated ms), so a busy machine cannot skip a phase
 * between two requests; it runs only while the test waits for the next phase. The one race left
 * (a phase seen, then held) gets a phase of at least 1 real second.
 */
const HOLD = 0.001

describe('simulated MLNode management API', () => {
  it('rejects an up body without dtype with FastAPI 422 detail', async () => {
    const sim = await startTestSim({ clock: 'virtual' })
    const res = await postJson(`${sim.mgmtUrl}/api/v1/inference/up`, { model: 'test/model', additional_args: [] })
    expect(res.status).toBe(422)
    const body = await res.json()
    expect(body.detail).toHaveLength(1)
    expect(body.detail[0]).toMatchObject({ type: 'missing', loc: ['body', 'dtype'], msg: 'Field required' })
    const bad = await postJson(`${sim.mgmtUrl}/api/v1/inference/up/async`, '{not json')
    expect(bad.status).toBe(422)
    expect((await bad.json()).detail[0].type).toBe('json_invalid')
  })

  it('says INFERENCE while loading, completes when the first replica is ready, staggers the others', async () => {
    // speed 10: start-up 5 s → 0.5 s real; then one replica every 50 s (5 s real).
    const sim = await startTestSim({ speed: 10, startupS: 5, staggerS: 50 })
    expect((await getJson(`${sim.mgmtUrl}/api/v1/state`)).body).toEqual({ state: 'STOPPED' })
    expect((await getJson(`${sim.mgmtUrl}/api/v1/inference/up/status`)).body).toEqual({ status: 'not_started', is_starting: false, is_running: false })

    sim.setSpeed(HOLD) // loading, until the test has looked
    const started = await up(sim, 'test/model', ['-tp', '2'], 'up/async')
    expect(started.status).toBe(200)
    expect(await started.json()).toEqual({ status: 'starting', message: 'Inference startup initiated in background' })
    expect((await getJson(`${sim.mgmtUrl}/api/v1/state`)).body).toEqual({ state: 'INFERENCE' })
    const loading = (await getJson(`${sim.mgmtUrl}/api/v1/inference/up/status`)).body
    expect(loading).toMatchObject({ status: 'in_progress', is_starting: true, is_running: false })
    expect(typeof loading.elapsed_seconds).toBe('number')
    expect((await getJson(`${sim.inferenceUrl}/v1/models`)).status).toBe(503)

    const conflict = await up(sim)
    expect(conflict.status).toBe(409)
    expect(await conflict.json()).toEqual({ detail: 'VLLM startup is already in progress. Use /inference/up/status to check status.' })

    sim.setSpeed(10)
    const done = await waitFor(async () => {
      const s = (await getJson(`${sim.mgmtUrl}/api/v1/inference/up/status`)).body
      return s.status === 'completed' ? s : undefined
    }, 'up/status completed')
    sim.setSpeed(HOLD)
    expect(done).toMatchObject({ is_starting: false, is_running: true })
    // 8 GPUs / TP2 = 4 replicas; at completion only the first one is healthy.
    const early = (await getJson(`${sim.mgmtUrl}/api/v1/inference/pow/status`)).body.backends.length
    expect(early).toBe(1)
    sim.setSpeed(1000) // the other three in 0.15 s real
    const all = await waitFor(async () => {
      const b = (await getJson(`${sim.mgmtUrl}/api/v1/inference/pow/status`)).body.backends
      return b.length === 4 ? b : undefined
    }, '4 healthy backends')
    expect(new Set(all.map((b: { port: number }) => b.port)).size).toBe(4)
    expect(sim.logs()).toContain('instances to start: 4')
    expect(sim.logs()).toContain('vLLM is up and running with 4 instance(s).')

    const running = await up(sim)
    expect(running.status).toBe(409)
    expect(await running.json()).toEqual({ detail: 'VLLM is already running. Use /inference/down to stop it first.' })

    const down = await postJson(`${sim.mgmtUrl}/api/v1/inference/down`, {})
    expect(await down.json()).toEqual({ status: 'OK' })
    expect((await getJson(`${sim.mgmtUrl}/api/v1/state`)).body).toEqual({ state: 'STOPPED' })
    expect((await getJson(`${sim.mgmtUrl}/api/v1/inference/up/status`)).body.status).toBe('not_started')
    // down with nothing running is still OK, and so is stop.
    expect((await postJson(`${sim.mgmtUrl}/api/v1/inference/down`, {})).status).toBe(200)
    expect(await (await postJson(`${sim.mgmtUrl}/api/v1/stop`, {})).json()).toEqual({ status: 'OK' })
  })

  it('blocking up returns OK once ready; down cancels a start in progress', async () => {
    const sim = await startTestSim({ speed: 100, startupS: 20 })
    const res = await up(sim)
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ status: 'OK' })
    expect((await getJson(`${sim.mgmtUrl}/api/v1/inference/up/status`)).body).toMatchObject({ status: 'completed', is_running: true })
    await postJson(`${sim.mgmtUrl}/api/v1/inference/down`, {})

    sim.setSpeed(HOLD) // the second start cannot complete before the down
    const blocking = up(sim)
    await waitFor(async () => ((await getJson(`${sim.mgmtUrl}/api/v1/inference/up/status`)).body.is_starting ? true : undefined), 'is_starting')
    await postJson(`${sim.mgmtUrl}/api/v1/inference/down`, {})
    const cancelled = await blocking
    expect(cancelled.status).toBe(500)
    expect((await getJson(`${sim.mgmtUrl}/api/v1/inference/up/status`)).body.status).toBe('cancelled')
  })

  it('serves health, livez and gpu/devices for the profile, with simulator headers and fields', async () => {
    const sim = await startTestSim({ clock: 'virtual', hardware: '8xh100-sxm', slowdown: 1.5 })
    for (const path of ['/health', '/livez']) {
      const h = await getJson(`${sim.mgmtUrl}${path}`)
      expect(h.status).toBe(200)
      expect(h.body).toMatchObject({ status: 'healthy', service_state: 'STOPPED', gpu: { available: true, count: 8 } })
      expect(h.body.simulator).toMatchObject({ hardware: '8xh100-sxm', slowdown: 1.5, speed: null, clock: 'virtual' })
      expect(h.headers.get('x-mlnode-sim')).toBe('1')
      expect(h.headers.get('x-mlnode-sim-speed')).toBe('virtual')
      expect(h.headers.get('x-mlnode-sim-hardware')).toBe('8xh100-sxm')
    }
    const devices = await getJson(`${sim.mgmtUrl}/api/v1/gpu/devices`)
    expect(devices.body.count).toBe(8)
    expect(devices.body.devices[3]).toMatchObject({ index: 3, name: 'NVIDIA H100 80GB HBM3', used_memory_mb: 0, is_available: true })
    // MLNode's GPUDevice (gonka-ai/gonka mlnode/packages/api/src/api/gpu/routes.py), error_message null when the GPU answers.
    expect(Object.keys(devices.body.devices[0]).sort()).toEqual(['error_message', 'free_memory_mb', 'index', 'is_available', 'name', 'temperature_c', 'total_memory_mb', 'used_memory_mb', 'utilization_percent'])
    await up(sim)
    const loaded = await getJson(`${sim.mgmtUrl}/api/v1/gpu/devices`)
    expect(loaded.body.devices[0].used_memory_mb).toBeGreaterThan(0)
    const missing = await getJson(`${sim.mgmtUrl}/api/v1/nope`)
    expect(missing.status).toBe(404)
    expect(missing.headers.get('x-mlnode-sim')).toBe('1')
  })

  it('a variant vLLM cannot run fails; /health stays 200 and down clears the error (v0.2.12)', async () => {
    const sim = await startTestSim({ clock: 'virtual' })
    const blocking = await up(sim, 'test/model', ['-tp', '16'])
    expect(blocking.status).toBe(500)
    expect(await blocking.json()).toEqual({ detail: 'vLLM process exited prematurely: None' })
    const status = (await getJson(`${sim.mgmtUrl}/api/v1/inference/up/status`)).body
    expect(status).toMatchObject({ status: 'failed', is_starting: false, is_running: false, error: 'vLLM process exited prematurely: None' })
    expect((await getJson(`${sim.mgmtUrl}/health`)).status).toBe(200)
    await postJson(`${sim.mgmtUrl}/api/v1/inference/down`, {})
    expect((await getJson(`${sim.mgmtUrl}/api/v1/inference/up/status`)).body).toEqual({ status: 'not_started', is_starting: false, is_running: false })
  })

  it('a down that interrupts a start: 503, then a frozen API (calls hang), then MLNode exits and comes back STOPPED', async () => {
    // speed 50: the error 3 s (60 ms) after down, 3 checks in 10 s (200 ms), frozen 10 s, refused 10 s.
    const sim = await startTestSim({ speed: 50, startupS: 1000, interruptFailS: 3, unhealthyS: 10, freezeS: 10, restartS: 10 })
    expect((await up(sim, 'test/model', [], 'up/async')).status).toBe(200)
    await postJson(`${sim.mgmtUrl}/api/v1/inference/down`, {})
    expect((await getJson(`${sim.mgmtUrl}/health`)).status).toBe(200)
    const unhealthy = await waitFor(async () => {
      const h = await getJson(`${sim.mgmtUrl}/health`)
      return h.status === 503 ? h : undefined
    }, '503')
    expect(unhealthy.body.status).toBe('unhealthy')
    // Frozen: a call hangs until MLNode exits and drops it (no answer at all).
    await waitFor(async () => (sim.logs().some((l) => l.startsWith('Watcher: stopping')) ? true : undefined), 'freeze')
    await expect(fetch(`${sim.mgmtUrl}/health`)).rejects.toThrow()
    const back = await waitFor(async () => (await getJson(`${sim.mgmtUrl}/api/v1/inference/up/status`).catch(() => undefined))?.body, 'restart')
    expect(back).toEqual({ status: 'not_started', is_starting: false, is_running: false })
    expect((await getJson(`${sim.mgmtUrl}/health`)).status).toBe(200)
    expect(sim.logs()).toEqual(expect.arrayContaining(['Manager InferenceManager is unhealthy (count 3/3)', 'MLNode exited; container restarting', 'MLNode started']))
  })

  it('down + immediate up to fewer replicas leaves stale ports: pow/status lists them as ERROR and the proxy answers 500', async () => {
    const sim = await startTestSim({ clock: 'virtual' })
    expect((await up(sim, 'test/model', ['-tp', '1'])).status).toBe(200)
    await waitFor(async () => ((await getJson(`${sim.mgmtUrl}/api/v1/inference/pow/status`)).body.backends.length === 8 ? true : undefined), '8 replicas')
    await postJson(`${sim.mgmtUrl}/api/v1/inference/down`, {})
    expect((await up(sim, 'test/model', ['-tp', '8'])).status).toBe(200)
    const pow = (await getJson(`${sim.mgmtUrl}/api/v1/inference/pow/status`)).body
    expect(pow.backends.map((b: { port: number; status: string }) => `${b.port} ${b.status}`)).toEqual(['5001 IDLE', ...[2, 3, 4, 5, 6, 7, 8].map((i) => `500${i} ERROR`)])
    const completion = (maxTokens: number) => postJson(`${sim.inferenceUrl}/v1/completions`, { model: 'test/model', prompt: 'hi', max_tokens: maxTokens, stream: true })
    expect((await completion(1)).status).toBe(200)
    // With the live port busy, the least-connections pick goes to a stale one.
    const busy = await completion(5000)
    const reader = busy.body!.getReader()
    expect((await reader.read()).done).toBe(false)
    const failed = await completion(1)
    expect(failed.status).toBe(500)
    expect(await failed.text()).toBe('Internal Server Error')
    await reader.cancel()
  })

  it('after a down, the next poll lets the health loop drop the old ports: no stale ones', async () => {
    const sim = await startTestSim({ clock: 'virtual' })
    await up(sim, 'test/model', ['-tp', '1'])
    await postJson(`${sim.mgmtUrl}/api/v1/inference/down`, {})
    const first = (await getJson(`${sim.mgmtUrl}/api/v1/inference/pow/status`)).body
    expect(first.backends.map((b: { status: string }) => b.status)).toEqual(Array(8).fill('ERROR'))
    expect((await getJson(`${sim.mgmtUrl}/api/v1/inference/pow/status`)).body).toEqual({ status: 'NO_BACKENDS', backends: [] })
    await up(sim, 'test/model', ['-tp', '8'])
    expect((await getJson(`${sim.mgmtUrl}/api/v1/inference/pow/status`)).body.backends).toEqual([{ port: 5001, status: 'IDLE', active_requests: 0 }])
  })

  it('starts at most maxInstances replicas (INFERENCE_MAX_INSTANCES)', async () => {
    const sim = await startTestSim({ clock: 'virtual', maxInstances: 3 })
    await up(sim, 'test/model', ['-tp', '1'])
    expect((await getJson(`${sim.mgmtUrl}/api/v1/inference/pow/status`)).body.backends).toHaveLength(3)
    expect(sim.logs()).toContain('instances to start: 3')
  })
})

describe('legacy MLNode (before v0.2.4)', () => {
  it('has no async, health, gpu or pow routes, restarts on up instead of 409, and reports failure as 200 ERROR', async () => {
    const sim = await startTestSim({ clock: 'virtual', api: 'legacy' })
    expect((await up(sim, 'test/model', [], 'up/async')).status).toBe(404)
    for (const path of ['/api/v1/inference/up/status', '/health', '/api/v1/gpu/devices', '/api/v1/inference/pow/status']) {
      expect((await getJson(`${sim.mgmtUrl}${path}`)).status, path).toBe(404)
    }
    const first = await up(sim, 'test/model', ['-tp', '2'])
    expect(await first.json()).toEqual({ status: 'OK' })
    const again = await up(sim, 'test/model', ['-tp', '4'])
    expect(again.status).toBe(200)
    expect(await again.json()).toEqual({ status: 'OK' })
    const failed = await up(sim, 'bad/model')
    expect(failed.status).toBe(200)
    expect(await failed.json()).toEqual({ status: 'ERROR', message: 'vLLM process exited prematurely: None' })
  })
})
