import { describe, expect, it } from 'vitest'
import { getJson, parseSse, postJson, startTestSim, up, waitFor } from './helpers.js'

const chat = (extra: Record<string, unknown> = {}) => ({
  model: 'test/model',
  messages: [{ role: 'user', content: 'abcd '.repeat(200) }],
  max_tokens: 6,
  ignore_eos: true,
  ...extra,
})

describe('simulated OpenAI API (vLLM format)', () => {
  it('answers 503 "No vLLM backend available" when nothing is deployed', async () => {
    const sim = await startTestSim({ clock: 'virtual' })
    for (const base of [sim.inferenceUrl, `${sim.mgmtUrl}`]) {
      const res = await postJson(`${base}/v1/chat/completions`, chat())
      expect(res.status).toBe(503)
      expect(await res.json()).toEqual({ detail: 'No vLLM backend available' })
      expect(res.headers.get('x-mlnode-sim')).toBe('1')
    }
  })

  it('streams chat completions in vLLM chunk format with a final usage chunk and [DONE]', async () => {
    const sim = await startTestSim({ clock: 'virtual' })
    await up(sim)
    const models = await getJson(`${sim.inferenceUrl}/v1/models`)
    expect(models.body.data[0]).toMatchObject({ id: 'test/model', object: 'model', owned_by: 'vllm', max_model_len: 8192 })

    const res = await postJson(`${sim.inferenceUrl}/v1/chat/completions`, chat({ stream: true, stream_options: { include_usage: true } }))
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/)
    expect(res.headers.get('x-mlnode-sim-hardware')).toBe('8xrtx-4070-ti-super')
    const events = parseSse(await res.text()) as any[]
    expect(events.at(-1)).toBe('[DONE]')
    const chunks = events.slice(0, -1)
    // role chunk + 6 token chunks + usage chunk
    expect(chunks).toHaveLength(8)
    const id = chunks[0].id
    expect(id).toMatch(/^chatcmpl-[0-9a-f]{32}$/)
    for (const c of chunks) expect(c).toMatchObject({ id, object: 'chat.completion.chunk', model: 'test/model' })
    expect(chunks[0].choices).toEqual([{ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }])
    for (const c of chunks.slice(1, 6)) {
      expect(Object.keys(c.choices[0]).sort()).toEqual(['delta', 'finish_reason', 'index', 'logprobs'])
      expect(c.choices[0].delta.content).toMatch(/^ [a-z]+$/)
      expect(c.choices[0].finish_reason).toBeNull()
    }
    expect(chunks[6].choices[0]).toMatchObject({ finish_reason: 'length', stop_reason: null })
    expect(chunks[7].choices).toEqual([])
    // 1000 bytes / 2 + 5 (message) + 3 (generation prompt)
    expect(chunks[7].usage).toEqual({ prompt_tokens: 408, total_tokens: 414, completion_tokens: 6 })
    expect('usage' in chunks[3]).toBe(false)
  })

  it('streams without usage unless asked, serves /v1/completions and non-streaming answers', async () => {
    const sim = await startTestSim({ clock: 'virtual' })
    await up(sim)
    const noUsage = parseSse(await (await postJson(`${sim.inferenceUrl}/v1/chat/completions`, chat({ stream: true }))).text()) as any[]
    expect(noUsage).toHaveLength(8)
    expect(noUsage.some((c) => c !== '[DONE]' && c.choices.length === 0)).toBe(false)

    const comp = parseSse(await (await postJson(`${sim.mgmtUrl}/v1/completions`, { model: 'test/model', prompt: 'xy'.repeat(50), max_tokens: 3, ignore_eos: true, stream: true, stream_options: { include_usage: true } })).text()) as any[]
    expect(comp.map((c) => (c === '[DONE]' ? c : c.object))).toEqual(['text_completion', 'text_completion', 'text_completion', 'text_completion', '[DONE]'])
    expect(comp[0].id).toMatch(/^cmpl-[0-9a-f]{32}$/)
    expect(comp[0].choices[0]).toEqual({ index: 0, text: comp[0].choices[0].text, logprobs: null, finish_reason: null, stop_reason: null })
    expect(comp[2].choices[0].finish_reason).toBe('length')
    expect(comp[3].usage).toEqual({ prompt_tokens: 50, total_tokens: 53, completion_tokens: 3 })

    const full = await (await postJson(`${sim.inferenceUrl}/v1/chat/completions`, chat())).json()
    expect(full).toMatchObject({ object: 'chat.completion', model: 'test/model', usage: { prompt_tokens: 408, completion_tokens: 6, total_tokens: 414 } })
    expect(full.choices[0]).toMatchObject({ index: 0, finish_reason: 'length', message: { role: 'assistant' } })
    expect(full.choices[0].message.content.trim().split(' ')).toHaveLength(6)
  })

  it('answers bad input as vLLM does: 404 unknown model, 400 malformed JSON, 400 max_tokens too large', async () => {
    const sim = await startTestSim({ clock: 'virtual' })
    await up(sim)
    const unknown = await postJson(`${sim.inferenceUrl}/v1/chat/completions`, chat({ model: 'x' }))
    expect(unknown.status).toBe(404)
    expect(await unknown.json()).toEqual({ error: { message: 'The model `x` does not exist.', type: 'NotFoundError', param: 'model', code: 404 } })

    const malformed = await postJson(`${sim.inferenceUrl}/v1/chat/completions`, '{"model": "test/model", ')
    expect(malformed.status).toBe(400)
    expect((await malformed.json()).error).toMatchObject({ type: 'BadRequestError', code: 400 })

    const tooLong = await postJson(`${sim.inferenceUrl}/v1/chat/completions`, chat({ max_tokens: 8000 }))
    expect(tooLong.status).toBe(400)
    expect((await tooLong.json()).error).toEqual({
      message: "'max_tokens' or 'max_completion_tokens' is too large: 8000. This model's maximum context length is 8192 tokens and your request has 408 input tokens (8000 > 8192 - 408).",
      type: 'BadRequestError',
      param: 'max_tokens',
      code: 400,
    })
    const optsWithoutStream = await postJson(`${sim.inferenceUrl}/v1/chat/completions`, chat({ stream_options: { include_usage: true } }))
    expect(optsWithoutStream.status).toBe(400)
  })

  it('is deterministic for a seed, ends early on a seeded EOS draw, and honours ignore_eos', async () => {
    const texts: string[] = []
    for (let i = 0; i < 2; i++) {
      const sim = await startTestSim({ clock: 'virtual', seed: 42, eosPerToken: 0.05 })
      await up(sim)
      const res = await (await postJson(`${sim.inferenceUrl}/v1/chat/completions`, chat({ max_tokens: 400, ignore_eos: false }))).json()
      texts.push(JSON.stringify([res.choices[0].message.content, res.usage, res.choices[0].finish_reason]))
      if (i === 0) {
        // With a 5% per-token EOS hazard, 400 tokens are essentially never reached.
        expect(res.choices[0].finish_reason).toBe('stop')
        expect(res.usage.completion_tokens).toBeLessThan(400)
        const forced = await (await postJson(`${sim.inferenceUrl}/v1/chat/completions`, chat({ max_tokens: 400, ignore_eos: true }))).json()
        expect(forced.usage.completion_tokens).toBe(400)
      }
    }
    expect(texts[0]).toBe(texts[1])
  })

  it('balances least-connections over replicas and down drops in-flight streams', async () => {
    const sim = await startTestSim({ speed: 1, startupS: 0, staggerS: 0 })
    await up(sim, 'test/model', ['-tp', '4']) // 2 replicas
    await waitFor(async () => ((await getJson(`${sim.mgmtUrl}/api/v1/inference/pow/status`)).body.backends.length === 2 ? true : undefined), '2 backends')
    const long = () => postJson(`${sim.inferenceUrl}/v1/chat/completions`, chat({ max_tokens: 5000, stream: true }))
    const streams = await Promise.all([long(), long()])
    const readers = streams.map((s) => s.body!.getReader())
    for (const r of readers) expect((await r.read()).done).toBe(false)
    const backends = (await getJson(`${sim.mgmtUrl}/api/v1/inference/pow/status`)).body.backends
    expect(backends.map((b: { active_requests: number }) => b.active_requests)).toEqual([1, 1])

    await postJson(`${sim.mgmtUrl}/api/v1/inference/down`, {})
    for (const r of readers) {
      const outcome = await (async () => {
        let text = ''
        try {
          for (;;) {
            const { done, value } = await r.read()
            if (done) return { error: false, text }
            text += new TextDecoder().decode(value)
          }
        } catch {
          return { error: true, text }
        }
      })()
      expect(outcome.error).toBe(true)
      expect(outcome.text).not.toContain('[DONE]')
    }
    expect((await postJson(`${sim.inferenceUrl}/v1/chat/completions`, chat())).status).toBe(503)
  })
})

describe('fast chunk serialization', () => {
  it('is byte-identical to serializing the chunk object', async () => {
    const { createTokenChunkWriter, sse, tokenChunk } = await import('../../src/sim/vllm-format.js')
    const h = { id: 'chatcmpl-1', created: 1, model: 'm"odel' }
    for (const kind of ['chat', 'completion'] as const) {
      const write = createTokenChunkWriter(kind, h)
      for (const text of [' word', ' "quoted"\n', ''])
        for (const fin of [null, 'length', 'stop'] as const) expect(write(text, fin)).toBe(sse(tokenChunk(kind, h, text, fin)))
    }
  })
})
