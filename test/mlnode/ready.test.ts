import { describe, expect, it, onTestFinished } from 'vitest'
import { parseVllmArgs, planDeploy } from '../../src/args/index.js'
import { type ReadyProgress, type WaitUntilReadyOptions } from '../../src/mlnode/index.js'
import { hang, healthyRoutes, json, powBody, sequence, startFakeMlnode, type FakeMlnode, rejection, setup } from './fake-mlnode.js'

const MODEL = 'Qwen/QwQ-32B'
const REQUEST = { model: MODEL, dtype: 'float16', additional_args: ['--kv-cache-dtype', 'fp8', '--quantization', 'fp8', '--tensor-parallel-size', '4'] }

/** A fake monotonic clock that sleeping advances: polls run instantly, deadlines still bite. */
function fakeClock(): Pick<WaitUntilReadyOptions, 'now' | 'sleep'> & { elapsedMs: () => number } {
  let t = 0
  return {
    now: () => t,
    sleep: async (ms, signal) => {
      if (signal?.aborted) throw new Error('aborted')
      t += ms
      await new Promise((resolve) => setImmediate(resolve))
    },
    elapsedMs: () => t,
  }
}


/** The deploy plan of a TP-only variant, as src/args computes it. */
const tpPlan = (tp: number) => planDeploy(MODEL, parseVllmArgs(['--tensor-parallel-size', String(tp)]))

const base = { request: REQUEST, plan: tpPlan(4), variant: 'tp4-pp1', pollIntervalMs: 1_000 }

describe('waitUntilReady: success', () => {
  it('waits through INFERENCE-while-loading and staggered replicas, then /v1/models', async () => {
    // 8 GPUs, TP4 → 2 replicas; they come up one after the other (replica i starts 5*i s later).
    const { fake, client } = await setup(healthyRoutes({ model: MODEL, gpus: 8, replicas: [0, 1, 1, 2] }))
    const progress: ReadyProgress[] = []
    const result = await client.waitUntilReady({ ...base, ...fakeClock(), onProgress: (p) => progress.push(p) })
    expect(result).toEqual({ elapsedS: expect.any(Number), replicas: 2, expectedReplicas: 2, replicasObserved: true, gpuCount: 8 })
    // state said INFERENCE on every poll, yet we kept polling up/status until completed.
    expect(fake.count('GET /api/v1/inference/up/status')).toBe(3)
    expect(progress.filter((p) => p.phase === 'starting').map((p) => [p.state, p.status])).toEqual([
      ['INFERENCE', 'in_progress'],
      ['INFERENCE', 'in_progress'],
      ['INFERENCE', 'completed'],
    ])
    expect(progress.filter((p) => p.phase === 'replicas').map((p) => p.healthyReplicas)).toEqual([0, 1, 1, 2])
    // /v1/models only once every replica was healthy.
    const order = fake.requests.map((r) => r.url.split('?')[0])
    expect(order.indexOf('/v1/models')).toBeGreaterThan(order.lastIndexOf('/api/v1/inference/pow/status'))
    expect(JSON.parse(fake.requests[0]!.body)).toEqual(REQUEST)
  })

  it('caps replicas at 128 and floors GPUs / (TP*PP)', async () => {
    const { client } = await setup(healthyRoutes({ model: MODEL, gpus: 200, replicas: [128] }))
    const result = await client.waitUntilReady({ ...base, plan: tpPlan(1), ...fakeClock() })
    expect(result.expectedReplicas).toBe(128)
  })

  it('older MLNode without pow/status: replicas not observable, still checks /v1/models', async () => {
    const routes = healthyRoutes({ model: MODEL, gpus: 8, replicas: [] })
    delete routes['GET /api/v1/inference/pow/status']
    const { fake, client } = await setup(routes)
    const result = await client.waitUntilReady({ ...base, ...fakeClock() })
    expect(result).toMatchObject({ replicasObserved: false, expectedReplicas: 2, gpuCount: 8 })
    expect(fake.count('GET /v1/models')).toBe(1)
  })

  it('retries /v1/models on 503 "No vLLM backend available" and accepts a --served-model-name', async () => {
    const routes = healthyRoutes({ model: MODEL, gpus: 8, replicas: [2] })
    routes['GET /v1/models'] = sequence(
      [503, { detail: 'No vLLM backend available' }],
      [502, { detail: 'vLLM connection failed' }],
      [200, { data: [{ id: 'qwq' }] }],
    )
    const { fake, client } = await setup(routes)
    const request = { ...REQUEST, additional_args: [...REQUEST.additional_args, '--served-model-name', 'qwq'] }
    await client.waitUntilReady({ ...base, request, plan: planDeploy(MODEL, parseVllmArgs(request.additional_args)), ...fakeClock() })
    expect(fake.count('GET /v1/models')).toBe(3)
  })

  it('checks /v1/models on a separate inference URL', async () => {
    const inference = await startFakeMlnode({ 'GET /v1/models': sequence([200, { data: [{ id: MODEL }] }]) })
    onTestFinished(() => inference.close())
    const routes = healthyRoutes({ model: MODEL, gpus: 8, replicas: [2] })
    delete routes['GET /v1/models']
    const { client } = await setup(routes)
    await client.waitUntilReady({ ...base, inferenceUrl: `${inference.url}/v1`, ...fakeClock() })
    expect(inference.count('GET /v1/models')).toBe(1)
  })
})

describe('waitUntilReady: failures', () => {
  it('409 on up/async: something is already running', async () => {
    const routes = healthyRoutes({ model: MODEL, gpus: 8, replicas: [2] })
    routes['POST /api/v1/inference/up/async'] = sequence([409, { detail: 'Inference is already running or starting' }])
    const { client } = await setup(routes)
    const error = await rejection(client.waitUntilReady({ ...base, ...fakeClock() }))
    expect(error.code).toBe('MLNB_DEPLOY_FAILED')
    expect(error.message).toMatch(/^Deploy of Qwen\/QwQ-32B variant tp4-pp1 \(tp=4 pp=1\) at http:\/\/127\.0\.0\.1:\d+ failed/)
    expect(error.message).toMatch(/already running or starting \(HTTP 409/)
  })

  it('old-style HTTP 200 ERROR on up/async', async () => {
    const routes = healthyRoutes({ model: MODEL, gpus: 8, replicas: [2] })
    routes['POST /api/v1/inference/up/async'] = sequence([200, { status: 'ERROR', message: 'Model download failed' }])
    const { client } = await setup(routes)
    const error = await rejection(client.waitUntilReady({ ...base, ...fakeClock() }))
    expect(error.code).toBe('MLNB_DEPLOY_FAILED')
    expect(error.message).toMatch(/Model download failed/)
  })

  it('up/status failed with no reason → the failure says so and points to logCommand', async () => {
    const routes = healthyRoutes({ model: MODEL, gpus: 8, replicas: [2] })
    routes['GET /api/v1/inference/up/status'] = sequence(
      [200, { status: 'in_progress', is_starting: true, is_running: false }],
      [200, { status: 'failed', is_starting: false, is_running: false, error: 'vLLM process exited prematurely: None' }],
    )
    const { client } = await setup(routes)
    const error = await rejection(client.waitUntilReady({ ...base, ...fakeClock() }))
    expect(error.code).toBe('MLNB_DEPLOY_FAILED')
    expect(error.message).toContain(`up/status is failed: MLNode gives no reason ("vLLM process exited prematurely: None"); vLLM's own error is only in MLNode's log: set logCommand`)
  })

  it('failed start, then connection refused = container restart; the client works again once it is back', async () => {
    const routes = healthyRoutes({ model: MODEL, gpus: 8, replicas: [2] })
    let fake!: FakeMlnode
    let closing: Promise<void> | undefined
    routes['GET /api/v1/inference/up/status'] = (_req, res) => {
      json(res, 200, { status: 'in_progress', is_starting: true, is_running: false })
      // MLNode exits after 3 failed health checks: the port stops answering.
      closing ??= new Promise((resolve) => setImmediate(() => void fake.close().then(resolve)))
    }
    const started = await setup(routes)
    fake = started.fake
    const error = await rejection(started.client.waitUntilReady({ ...base, ...fakeClock() }))
    expect(error.code).toBe('MLNB_DEPLOY_FAILED')
    expect(error.message).toMatch(/MLNode stopped answering while .*connection refused: its container restarted/)
    await closing
    // The container comes back on the same port with its state reset.
    await fake.reopen({
      'GET /api/v1/state': sequence([200, { state: 'STOPPED' }]),
      'GET /api/v1/inference/up/status': sequence([200, { status: 'not_started', is_starting: false, is_running: false }]),
    })
    expect((await started.client.state()).state).toBe('STOPPED')
    expect((await started.client.upStatus()).status).toBe('not_started')
  })

  it('up/status back to not_started after in_progress = container restarted between polls', async () => {
    const routes = healthyRoutes({ model: MODEL, gpus: 8, replicas: [2] })
    routes['GET /api/v1/inference/up/status'] = sequence(
      [200, { status: 'in_progress', is_starting: true, is_running: false }],
      [200, { status: 'not_started', is_starting: false, is_running: false }],
    )
    const { client } = await setup(routes)
    const error = await rejection(client.waitUntilReady({ ...base, ...fakeClock() }))
    expect(error.code).toBe('MLNB_DEPLOY_FAILED')
    expect(error.message).toMatch(/went back to not_started/)
  })

  it('overall deadline while replicas never all come up', async () => {
    const { client } = await setup(healthyRoutes({ model: MODEL, gpus: 8, replicas: [0, 1] }))
    const clock = fakeClock()
    const error = await rejection(client.waitUntilReady({ ...base, ...clock, deadlineMs: 30_000 }))
    expect(error.code).toBe('MLNB_DEPLOY_TIMEOUT')
    expect(error.message).toMatch(/not ready within the 30 s deadline \(last seen: 1\/2 healthy replicas on pow\/status; MLNode does not report how many instances it started: 2 expected from 8 GPUs \(if the node sets INFERENCE_MAX_INSTANCES, declare it: MLNODE_BENCH_INSTANCE_CAP\)\)/)
    expect(clock.elapsedMs()).toBe(30_000)
  })

  it('a hung up/status poll (MLNode frozen before its exit) fails the deploy like a restart, naming method and path', async () => {
    const routes = healthyRoutes({ model: MODEL, gpus: 8, replicas: [2] })
    routes['GET /api/v1/inference/up/status'] = hang
    // Long enough for the answered calls before it on a busy machine: only the hung one may time out.
    const { client } = await setup(routes, { requestTimeoutMs: 1_000 })
    const error = await rejection(client.waitUntilReady({ ...base, ...fakeClock() }))
    expect(error.code).toBe('MLNB_DEPLOY_FAILED')
    expect(error.message).toMatch(/Qwen\/QwQ-32B variant tp4-pp1.*calls time out.*Request timed out: GET \/api\/v1\/inference\/up\/status/)
  })

  it('bad body on up/status keeps its code and names model and variant', async () => {
    const routes = healthyRoutes({ model: MODEL, gpus: 8, replicas: [2] })
    routes['GET /api/v1/inference/up/status'] = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end('{"status": "in_pro')
    }
    const { client } = await setup(routes)
    const error = await rejection(client.waitUntilReady({ ...base, ...fakeClock() }))
    expect(error.code).toBe('MLNB_MLNODE_BAD_BODY')
    expect(error.message).toMatch(/Qwen\/QwQ-32B variant tp4-pp1/)
  })

  it('abort signal while polling (real timers)', async () => {
    const routes = healthyRoutes({ model: MODEL, gpus: 8, replicas: [2] })
    routes['GET /api/v1/inference/up/status'] = sequence([200, { status: 'in_progress', is_starting: true, is_running: false }])
    const { client } = await setup(routes)
    const controller = new AbortController()
    const progress: ReadyProgress[] = []
    const error = await rejection(
      client.waitUntilReady({
        ...base,
        pollIntervalMs: 20,
        signal: controller.signal,
        onProgress: (p) => {
          progress.push(p)
          if (progress.length === 3) controller.abort()
        },
      }),
    )
    expect(error.code).toBe('MLNB_ABORTED')
    expect(error.message).toMatch(/Qwen\/QwQ-32B variant tp4-pp1/)
  })

  it('abort signal during a hung call', async () => {
    const routes = healthyRoutes({ model: MODEL, gpus: 8, replicas: [2] })
    routes['GET /health'] = hang
    const { client } = await setup(routes, { requestTimeoutMs: 10_000 })
    const controller = new AbortController()
    const waiting = client.waitUntilReady({
      ...base,
      ...fakeClock(),
      signal: controller.signal,
      onProgress: (p) => {
        if (p.status === 'completed') setTimeout(() => controller.abort(), 30)
      },
    })
    expect((await rejection(waiting)).code).toBe('MLNB_ABORTED')
  })

  it('TP*PP above the GPUs MLNode reports', async () => {
    const { client } = await setup(healthyRoutes({ model: MODEL, gpus: 4, replicas: [1] }))
    const error = await rejection(client.waitUntilReady({ ...base, plan: tpPlan(8), ...fakeClock() }))
    expect(error).toMatchObject({ code: 'MLNB_DEPLOY_FAILED', message: expect.stringMatching(/TP\*PP = 8 exceeds the 4 GPUs/) })
  })

  it('never shows credentials of the URL in deploy errors', async () => {
    const routes = healthyRoutes({ model: MODEL, gpus: 8, replicas: [2] })
    routes['POST /api/v1/inference/up/async'] = sequence([500, { detail: 'boom' }])
    const { client } = await setup(routes, { url: (f) => `http://ops:hunter2-pw@127.0.0.1:${f.port}/?token=tok-xyz789` })
    const error = await rejection(client.waitUntilReady({ ...base, ...fakeClock() }))
    expect(error.code).toBe('MLNB_DEPLOY_FAILED')
    expect(error.message).not.toMatch(/hunter2|tok-xyz789|ops:/)
    expect(JSON.stringify(error.details)).not.toMatch(/hunter2|tok-xyz789|ops:/)
  })
})

describe('waitUntilReady: MLNode v0.2.12 pow/status', () => {
  it('counts only backends not in ERROR and treats more backends than expected as stale (not ready)', async () => {
    // TP1 (8 replicas) → TP8 (1 replica) with down + immediate up: 7 stale ports stay listed.
    const routes = healthyRoutes({ model: MODEL, gpus: 8, replicas: [] })
    routes['GET /api/v1/inference/pow/status'] = sequence(powBody([5001], [5002, 5003, 5004, 5005, 5006, 5007, 5008]), powBody([5001], [5002]), powBody([5001]))
    const { fake, client } = await setup(routes)
    const progress: ReadyProgress[] = []
    const result = await client.waitUntilReady({ ...base, plan: tpPlan(8), ...fakeClock(), onProgress: (p) => progress.push(p) })
    expect(result).toMatchObject({ replicas: 1, expectedReplicas: 1 })
    expect(progress.filter((p) => p.phase === 'replicas').map((p) => p.healthyReplicas)).toEqual([1, 1, 1])
    expect(fake.count('GET /api/v1/inference/pow/status')).toBe(3)
  })

  it('stale backends that never go: the deadline names them', async () => {
    const routes = healthyRoutes({ model: MODEL, gpus: 8, replicas: [] })
    routes['GET /api/v1/inference/pow/status'] = sequence(powBody([5001], [5002, 5003]))
    const { client } = await setup(routes)
    const error = await rejection(client.waitUntilReady({ ...base, plan: tpPlan(8), ...fakeClock(), deadlineMs: 10_000 }))
    expect(error.code).toBe('MLNB_DEPLOY_TIMEOUT')
    expect(error.message).toContain('1/1 healthy replicas on pow/status, 2 in ERROR (ports 5002, 5003): stale backends MLNode still routes to')
  })

  it('a known cap is expected at once', async () => {
    const routes = healthyRoutes({ model: MODEL, gpus: 8, replicas: [] })
    routes['GET /api/v1/inference/pow/status'] = sequence(powBody([5001, 5002, 5003]))
    const { fake, client } = await setup(routes)
    const result = await client.waitUntilReady({ ...base, plan: tpPlan(1), instanceCap: 3, ...fakeClock() })
    expect(result).toMatchObject({ replicas: 3, expectedReplicas: 3 })
    expect(result.cappedAt).toBeUndefined()
    expect(fake.count('GET /api/v1/inference/pow/status')).toBe(1)
  })

  it('an MLNode older than v0.2.4 (no up/async) gets an error naming the minimum version', async () => {
    const routes = healthyRoutes({ model: MODEL, gpus: 8, replicas: [2] })
    delete routes['POST /api/v1/inference/up/async']
    const { client } = await setup(routes)
    const error = await rejection(client.waitUntilReady({ ...base, ...fakeClock() }))
    expect(error.code).toBe('MLNB_MLNODE_TOO_OLD')
    expect(error.message).toMatch(/POST \/api\/v1\/inference\/up\/async answered HTTP 404\. mlnode-bench needs MLNode v0\.2\.4 or newer/)
  })
})
