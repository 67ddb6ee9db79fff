import type { Socket } from 'node:net'
import { describe, expect, it, onTestFinished } from 'vitest'
import { MlnodeClient } from '../../src/mlnode/index.js'
import { hang, json, sequence, startFakeMlnode, type Handler, rejection, setup } from './fake-mlnode.js'

const REQUEST = { model: 'Qwen/QwQ-32B', dtype: 'float16', additional_args: ['--tensor-parallel-size', '4'] }


describe('MlnodeClient: answers', () => {
  it('sends the up request as JSON and types every answer', async () => {
    const device = {
      index: 0, name: 'NVIDIA H100 80GB HBM3', total_memory_mb: 81559, free_memory_mb: 80000, used_memory_mb: 1559,
      utilization_percent: 0, temperature_c: 31, is_available: true,
    }
    const { fake, client } = await setup({
      'POST /api/v1/inference/up': sequence([200, { status: 'OK' }]),
      'POST /api/v1/inference/up/async': sequence([200, { status: 'starting', model: REQUEST.model }]),
      'GET /api/v1/inference/up/status': sequence([200, { status: 'in_progress', is_starting: true, is_running: false, elapsed_seconds: 4.5 }]),
      'GET /api/v1/state': sequence([200, { state: 'INFERENCE' }]),
      'POST /api/v1/inference/down': sequence([200, { status: 'OK' }]),
      'POST /api/v1/stop': sequence([200, { status: 'OK' }]),
      'GET /health': sequence([503, { status: 'unhealthy', service_state: 'STOPPED', gpu: { available: true, count: 1, devices: [device] }, managers: {} }]),
      'GET /api/v1/gpu/devices': sequence([200, { devices: [device], count: 1 }]),
      'GET /api/v1/inference/pow/status': sequence([200, { status: 'ok', backends: [{ port: 5001 }, { port: 5002, healthy: false }] }]),
      'GET /v1/models': sequence([200, { object: 'list', data: [{ id: 'Qwen/QwQ-32B' }] }]),
    })
    expect(await client.up(REQUEST)).toEqual({ status: 'OK' })
    expect(JSON.parse(fake.requests[0]!.body)).toEqual(REQUEST)
    expect(await client.upAsync(REQUEST)).toEqual({ status: 'starting', model: REQUEST.model })
    expect(await client.upStatus()).toMatchObject({ status: 'in_progress', is_running: false, elapsed_seconds: 4.5 })
    expect((await client.state()).state).toBe('INFERENCE')
    expect(await client.down()).toEqual({ status: 'OK' })
    expect(await client.stop()).toEqual({ status: 'OK' })
    const health = await client.health()
    expect(health.httpStatus).toBe(503)
    expect(health.gpu.count).toBe(1)
    expect((await client.gpuDevices()).devices[0]!.total_memory_mb).toBe(81559)
    expect((await client.powStatus())!.backends).toHaveLength(2)
    expect((await client.models()).data.map((m) => m.id)).toEqual(['Qwen/QwQ-32B'])
  })

  it('powStatus is undefined on 404 (older MLNode)', async () => {
    const { client } = await setup({})
    expect(await client.powStatus()).toBeUndefined()
  })

  it('models() on a separate inference URL, with or without /v1', async () => {
    const inference = await startFakeMlnode({ 'GET /v1/models': sequence([200, { data: [{ id: 'm' }] }]) })
    onTestFinished(() => inference.close())
    const { client } = await setup({})
    expect((await client.models(inference.url)).data[0]!.id).toBe('m')
    expect((await client.models(`${inference.url}/v1`)).data[0]!.id).toBe('m')
    expect(inference.count('GET /v1/models')).toBe(2)
  })
})

describe('MlnodeClient: MLNode errors', () => {
  it('409 {"detail"} on up/async', async () => {
    const { client } = await setup({ 'POST /api/v1/inference/up/async': sequence([409, { detail: 'Inference is already running' }]) })
    const error = await rejection(client.upAsync(REQUEST))
    expect(error.code).toBe('MLNB_MLNODE_HTTP')
    expect(error.details.statusCode).toBe(409)
    expect(error.message).toMatch(/POST \/api\/v1\/inference\/up\/async at http:\/\/127\.0\.0\.1:\d+ answered HTTP 409: Inference is already running/)
  })

  it('500 {"detail"} on up', async () => {
    const { client } = await setup({ 'POST /api/v1/inference/up': sequence([500, { detail: 'vLLM process exited prematurely: None' }]) })
    const error = await rejection(client.up(REQUEST))
    expect(error).toMatchObject({ code: 'MLNB_MLNODE_HTTP', details: { statusCode: 500, detail: 'vLLM process exited prematurely: None' } })
  })

  it('422 with a validation list is shown as JSON', async () => {
    const { client } = await setup({
      'POST /api/v1/inference/up': sequence([422, { detail: [{ loc: ['body', 'dtype'], msg: 'Field required' }] }]),
    })
    expect((await rejection(client.up(REQUEST))).message).toMatch(/HTTP 422: .*Field required/)
  })

  it('old-style HTTP 200 {"status":"ERROR","message"}', async () => {
    const { client } = await setup({
      'POST /api/v1/inference/up': sequence([200, { status: 'ERROR', message: 'Failed to start vLLM: exited prematurely' }]),
    })
    const error = await rejection(client.up(REQUEST))
    expect(error).toMatchObject({ code: 'MLNB_MLNODE_HTTP', details: { statusCode: 200, oldStyle: true } })
    expect(error.message).toMatch(/status ERROR \(older MLNode\): Failed to start vLLM/)
  })

  it.each<[string, Handler]>([
    ['HTML instead of JSON', (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' })
      res.end('<html>Bad Gateway</html>')
    }],
    ['truncated JSON, cleanly ended', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end('{"state": "INFER')
    }],
    ['empty body', (_req, res) => {
      res.writeHead(200)
      res.end()
    }],
    ['JSON of the wrong shape', (_req, res) => json(res, 200, ['INFERENCE'])],
    ['connection cut mid-body', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' })
      res.write('{"state": "INF', () => (res.socket as Socket).destroy())
    }],
  ])('bad body: %s → MLNB_MLNODE_BAD_BODY', async (_, handler) => {
    const { client } = await setup({ 'GET /api/v1/state': handler })
    const error = await rejection(client.state())
    expect(error.code).toBe('MLNB_MLNODE_BAD_BODY')
    expect(error.message).toContain('GET /api/v1/state')
  })

  it('a hung response times out, naming method and path', async () => {
    const { client } = await setup({ 'GET /api/v1/inference/up/status': hang }, { requestTimeoutMs: 150 })
    const error = await rejection(client.upStatus())
    expect(error.code).toBe('MLNB_MLNODE_TIMEOUT')
    expect(error.message).toMatch(/^Request timed out: GET \/api\/v1\/inference\/up\/status at http:\/\/127\.0\.0\.1:\d+ .*150 ms/)
  })

  it('a hung body (headers sent, body never ends) times out too', async () => {
    const { client } = await setup(
      {
        'GET /api/v1/state': (_req, res) => {
          res.writeHead(200, { 'content-type': 'application/json' })
          res.write('{"state":')
        },
      },
      { requestTimeoutMs: 150 },
    )
    expect((await rejection(client.state())).code).toBe('MLNB_MLNODE_TIMEOUT')
  })

  it('connection refused', async () => {
    const fake = await startFakeMlnode({})
    await fake.close()
    const client = new MlnodeClient({ url: fake.url, requestTimeoutMs: 1_000 })
    onTestFinished(() => client.close())
    const error = await rejection(client.state())
    expect(error.code).toBe('MLNB_MLNODE_REFUSED')
    expect(error.message).toMatch(/Connection refused: GET \/api\/v1\/state/)
  })

  it('an abort signal ends a hung call', async () => {
    const { client } = await setup({ 'GET /health': hang }, { requestTimeoutMs: 5_000 })
    const controller = new AbortController()
    setTimeout(() => controller.abort(), 50)
    expect((await rejection(client.health({ signal: controller.signal }))).code).toBe('MLNB_ABORTED')
  })
})

describe('MlnodeClient: credentials', () => {
  it('sends user:pass as Basic auth and ?token on every request, never shows them', async () => {
    const { fake, client } = await setup(
      { 'POST /api/v1/inference/up/async': sequence([409, { detail: 'busy' }]), 'GET /api/v1/state': hang },
      // Long enough for the 409 to arrive on a busy machine: only the hung state call times out.
      { url: (f) => `http://admin:s3cret-pw@127.0.0.1:${f.port}/?token=tok-abc123`, requestTimeoutMs: 1_000 },
    )
    expect(client.displayUrl).not.toMatch(/s3cret|tok-abc123/)
    expect(JSON.stringify(client.options)).not.toMatch(/s3cret|tok-abc123/)
    const messages = [(await rejection(client.upAsync(REQUEST))).message, (await rejection(client.state())).message]
    for (const message of messages) {
      expect(message).not.toMatch(/s3cret|tok-abc123|admin:/)
      expect(message).toContain('***')
    }
    expect(fake.requests[0]!.url).toBe('/api/v1/inference/up/async?token=tok-abc123')
    expect(fake.requests[0]!.authorization).toBe(`Basic ${Buffer.from('admin:s3cret-pw').toString('base64')}`)
  })
})

describe('MlnodeClient: extra headers', () => {
  it('sends them on every request and keeps their values out of options', async () => {
    let seen: string | undefined
    const fake = await startFakeMlnode({
      'GET /api/v1/state': (req, res) => {
        seen = req.headers['x-proxy-auth'] as string | undefined
        json(res, 200, { state: 'STOPPED' })
      },
    })
    onTestFinished(() => fake.close())
    const client = new MlnodeClient({ url: fake.url, headers: { 'x-proxy-auth': 'hdr-secret-1' } })
    onTestFinished(() => client.close())
    await client.state()
    expect(seen).toBe('hdr-secret-1')
    expect(client.options.headerNames).toEqual(['x-proxy-auth'])
    expect(JSON.stringify(client.options)).not.toContain('hdr-secret-1')
  })
})
