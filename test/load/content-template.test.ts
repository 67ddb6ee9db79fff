import { Pool } from 'undici'
import { afterEach, describe, expect, it } from 'vitest'
import { ContentTemplate, streamRequest } from '../../src/load/index.js'
import { chunkFrame, LAST_CHUNK, sseHead, startRaw, vllmChatEvents, type Started } from './helpers/server.js'

const base = { id: 'chatcmpl-7', object: 'chat.completion.chunk', created: 1, model: 'm' }
const chunk = (delta: Record<string, unknown>, extra: Record<string, unknown> = {}): string =>
  JSON.stringify({ ...base, choices: [{ index: 0, delta, logprobs: null, finish_reason: null }], ...extra })

/** The content the slow path (JSON.parse) finds in a plain chat chunk. */
const parsedContent = (data: string): unknown => (JSON.parse(data) as { choices: Array<{ delta: { content?: unknown } }> }).choices[0]?.delta.content

function learned(from = ' hello'): ContentTemplate {
  const t = new ContentTemplate()
  const data = chunk({ content: from })
  t.learn(data, JSON.parse(data), from)
  return t
}

describe('ContentTemplate', () => {
  it('recognizes later chunks of the same envelope and returns their content verbatim', () => {
    const t = learned()
    for (const text of [' world', '', 'x', ' 世界', ' 😀', 'a'.repeat(500), '\u2028']) {
      const data = chunk({ content: text })
      expect(t.match(data)).toBe(text)
      expect(parsedContent(data)).toBe(text)
    }
  })

  it('leaves to JSON.parse every chunk it cannot prove equal', () => {
    const t = learned()
    const others = [
      chunk({ content: 'line\nbreak' }), // escape
      chunk({ content: 'say "hi"' }), // escaped quote
      chunk({ content: 'back\\slash' }),
      chunk({ content: '\u00e9' }).replace('\u00e9', '\\u00e9'), // \u escape
      JSON.stringify({ ...base, choices: [{ index: 0, delta: { content: 'x' }, logprobs: null, finish_reason: 'length' }] }),
      JSON.stringify({ ...base, choices: [], usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 } }),
      JSON.stringify({ error: { message: 'boom' } }),
      JSON.stringify({ ...base, id: 'chatcmpl-8', choices: [{ index: 0, delta: { content: 'x' }, logprobs: null, finish_reason: null }] }),
      chunk({ role: 'assistant', content: 'x' }),
      chunk({ content: 'x' }, { usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } }),
      '[DONE]',
      '',
    ]
    for (const data of others) expect(t.match(data)).toBeUndefined()
  })

  it('learns only from a single plain content choice with one unambiguous "content" key', () => {
    const cases: Array<[string, string]> = [
      [chunk({ role: 'assistant', content: '' }), ''], // empty: nothing to anchor
      [chunk({ reasoning_content: 'think', content: 'x' }), 'thinkx'],
      [chunk({ content: 'x', tool_calls: [] }), 'x'],
      [JSON.stringify({ ...base, choices: [{ index: 0, delta: { content: 'x' } }, { index: 1, delta: { content: 'x' } }] }), 'xx'],
      [JSON.stringify({ ...base, note: { content: 'x' }, choices: [{ index: 0, delta: { content: 'x' } }] }), 'x'], // two occurrences
      [chunk({ content: 'a"b' }), 'a"b'],
      [chunk({ content: 'x' }, { usage: { prompt_tokens: 1 } }), 'x'],
    ]
    for (const [data, text] of cases) {
      const t = new ContentTemplate()
      t.learn(data, JSON.parse(data), text)
      expect(t.match(chunk({ content: 'y' }))).toBeUndefined()
    }
  })

  it('agrees with JSON.parse on random chunks whenever it answers', () => {
    const t = learned()
    const alphabet = ['a', ' ', 'é', '世', '😀', '"', '\\', '\n', '\t', '/', '}', ']', ',', ':', '\u0001']
    let seed = 42
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31
      return seed % n
    }
    let answered = 0
    for (let i = 0; i < 2000; i++) {
      const text = Array.from({ length: rand(8) }, () => alphabet[rand(alphabet.length)]).join('')
      const data = chunk({ content: text })
      const fast = t.match(data)
      if (fast !== undefined) {
        answered++
        expect(fast).toBe(parsedContent(data))
      }
    }
    expect(answered).toBeGreaterThan(100)
  })

  it('gives up on a stream whose envelope keeps changing', () => {
    const t = learned()
    for (let i = 0; i < 9; i++) t.match(JSON.stringify({ ...base, id: `id-${i}`, choices: [{ index: 0, delta: { content: 'x' }, logprobs: null, finish_reason: null }] }))
    expect(t.match(chunk({ content: 'x' }))).toBeUndefined()
    const data = chunk({ content: 'z' })
    t.learn(data, JSON.parse(data), 'z')
    expect(t.match(chunk({ content: 'x' }))).toBeUndefined()
  })
})

let server: Started | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

describe('streamRequest with the content fast path', () => {
  it('measures and keeps text exactly as the JSON path does, escapes and a mid-stream error included', async () => {
    const tokens = [' plain', ' next', ' "quoted"', '\n', ' tail', ' é世😀', ' last']
    server = await startRaw((socket) => {
      socket.write(sseHead())
      for (const e of vllmChatEvents(tokens)) socket.write(chunkFrame(e))
      socket.write(LAST_CHUNK)
    })
    const pool = new Pool(server.url)
    try {
      const record = await streamRequest(pool, { baseUrl: server.url, model: 'm' }, { model: 'm', messages: [] }, { keepText: true })
      expect(record.failure).toBeUndefined()
      expect(record.outputText).toBe(tokens.join(''))
      expect(record.contentChunkAtMs).toHaveLength(tokens.length)
      expect(record.completionTokens).toBe(tokens.length)
    } finally {
      await pool.destroy()
    }
  })

  it('still reports an error event that follows fast-path chunks', async () => {
    server = await startRaw((socket) => {
      socket.write(sseHead())
      const events = vllmChatEvents([' a', ' b', ' c']).slice(0, 3)
      events.push(`data: ${JSON.stringify({ error: { message: 'engine died' } })}\n\n`)
      for (const e of events) socket.write(chunkFrame(e))
      socket.write(LAST_CHUNK)
    })
    const pool = new Pool(server.url)
    try {
      const record = await streamRequest(pool, { baseUrl: server.url, model: 'm' }, { model: 'm', messages: [] })
      expect(record.failure?.reason).toBe('stream_error')
      expect(record.failure?.message).toContain('engine died')
      expect(record.contentChunkAtMs).toHaveLength(2)
    } finally {
      await pool.destroy()
    }
  })
})
