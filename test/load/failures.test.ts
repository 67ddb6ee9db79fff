import { createServer } from 'node:net'
import type { AddressInfo } from 'node:net'
import { Pool } from 'undici'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { streamRequest, type StreamRequestOptions } from '../../src/load/index.js'
import { chunkFrame, LAST_CHUNK, sseHead, startRaw, vllmChatEvents, type Started } from './helpers/server.js'

// One scripted loopback server; the `x-script` header picks the behaviour.
const ROLE_AND_TWO = vllmChatEvents(['a', 'b']).slice(0, 3).join('')
const SCRIPTS: Record<string, (socket: import('node:net').Socket) => void> = {
  ok: (s) => s.write(sseHead() + chunkFrame(vllmChatEvents(['a', 'b']).join('')).toString() + LAST_CHUNK),
  status: (s) => {
    const body = '{"object":"error","message":"No vLLM backend available","code":503}'
    s.write(`HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n${body}`)
  },
  streamError: (s) =>
    s.write(sseHead() + chunkFrame(ROLE_AND_TWO + 'data: {"error": {"object": "error", "message": "CUDA out of memory", "code": 500}}\n\n').toString()),
  drop: (s) => {
    s.write(sseHead() + chunkFrame(ROLE_AND_TWO).toString())
    setTimeout(() => s.destroy(), 20)
  },
  stallTotal: (s) => {
    // Keeps sending keep-alives (never idle) but never finishes.
    s.write(sseHead())
    const timer = setInterval(() => (s.writable ? s.write(chunkFrame(': keep-alive\n\n')) : clearInterval(timer)), 20)
    s.on('close', () => clearInterval(timer))
  },
  stallIdle: (s) => s.write(sseHead() + chunkFrame(ROLE_AND_TWO).toString()),
  malformed: (s) => s.write(sseHead() + chunkFrame(ROLE_AND_TWO + 'data: {"choices": [\n\n').toString()),
  noDone: (s) => s.write(sseHead() + chunkFrame(ROLE_AND_TWO).toString() + LAST_CHUNK),
  noUsage: (s) => s.write(sseHead() + chunkFrame(vllmChatEvents(['a', 'b', 'c'], 0, { usage: false }).join('')).toString() + LAST_CHUNK),
}

let server: Started
let pool: Pool
beforeAll(async () => {
  server = await startRaw((socket, head) => {
    const script = /x-script: (\w+)/i.exec(head)?.[1] ?? 'ok'
    SCRIPTS[script]!(socket)
  })
  pool = new Pool(server.url, { connections: 4 })
})
afterAll(async () => {
  await pool.destroy()
  await server.close()
})

const run = (script: string, options: StreamRequestOptions = {}) =>
  streamRequest(pool, { baseUrl: server.url, model: 'm', headers: { 'x-script': script } }, { model: 'm', messages: [] }, options)

describe('streamRequest failures are records, never throws', () => {
  it('succeeds on a vLLM stream', async () => {
    const r = await run('ok')
    expect(r.failure).toBeUndefined()
    expect(r.completionTokens).toBe(2)
  })

  it('HTTP status: keeps status and body', async () => {
    const r = await run('status')
    expect(r.failure).toMatchObject({ reason: 'http_status', status: 503 })
    expect(r.failure!.message).toContain('No vLLM backend available')
    expect(r.failure!.message).toContain('/v1/chat/completions')
  })

  it('mid-stream error event', async () => {
    const r = await run('streamError')
    expect(r.failure?.reason).toBe('stream_error')
    expect(r.failure!.message).toContain('CUDA out of memory')
    expect(r.contentChunkAtMs).toHaveLength(2)
  })

  it('dropped connection mid-stream', async () => {
    const r = await run('drop')
    expect(r.failure?.reason).toBe('connection')
    expect(r.contentChunkAtMs).toHaveLength(2)
  })

  it('connection refused', async () => {
    const probe = createServer()
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))
    const { port } = probe.address() as AddressInfo
    await new Promise<void>((resolve) => probe.close(() => resolve()))
    const refused = new Pool(`http://127.0.0.1:${port}`)
    const r = await streamRequest(refused, { baseUrl: `http://127.0.0.1:${port}`, model: 'm' }, {})
    await refused.destroy()
    expect(r.failure?.reason).toBe('connection')
    expect(r.failure!.message).toMatch(/ECONNREFUSED/)
  })

  it('total timeout while the server keeps the stream alive', async () => {
    const r = await run('stallTotal', { timeoutS: 0.2, idleTimeoutS: 5 })
    expect(r.failure?.reason).toBe('timeout_total')
  })

  it('idle timeout when bytes stop', async () => {
    const r = await run('stallIdle', { timeoutS: 5, idleTimeoutS: 0.2 })
    expect(r.failure?.reason).toBe('timeout_idle')
    expect(r.contentChunkAtMs).toHaveLength(2)
  })

  it('malformed JSON', async () => {
    const r = await run('malformed')
    expect(r.failure?.reason).toBe('bad_response')
    expect(r.failure!.message).toMatch(/malformed JSON/)
  })

  it('stream ended without [DONE]', async () => {
    const r = await run('noDone')
    expect(r.failure?.reason).toBe('bad_response')
    expect(r.failure!.message).toMatch(/without \[DONE\]/)
  })

  it('aborted by the signal mid-stream', async () => {
    const controller = new AbortController()
    const pending = run('stallIdle', { signal: controller.signal, idleTimeoutS: 5 })
    setTimeout(() => controller.abort(), 50)
    const r = await pending
    expect(r.failure?.reason).toBe('aborted')
  })

  it('estimates tokens when the server sends no usage', async () => {
    const r = await run('noUsage', { estimatedPromptTokens: 42 })
    expect(r.failure).toBeUndefined()
    expect(r).toMatchObject({ tokensEstimated: true, completionTokens: 3, promptTokens: 42 })
  })

  it('keeps serving after failures (pool still usable)', async () => {
    const r = await run('ok')
    expect(r.failure).toBeUndefined()
  })
})
