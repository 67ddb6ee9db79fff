import { mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { hasCode } from '../../src/errors.js'
import { parseConversations } from '../../src/load/datasets/conversations.js'
import { parseMooncakeTrace, tracePrompt } from '../../src/load/datasets/mooncake.js'
import { sampleConversations, sampleMooncakeTrace, sampleShareGpt } from '../../src/load/datasets/samples.js'
import { loadShareGpt, parseShareGpt } from '../../src/load/datasets/sharegpt.js'
import { preparePrompts, requestBody, validateWorkload, type WorkloadSpec } from '../../src/load/index.js'
import { estimateTokens } from '../../src/text/tokens.js'

const samples = new URL('../../benchmarks/workloads/datasets/', import.meta.url)
const samplePath = (name: string): string => new URL(name, samples).pathname

/** Runs `fn`, expects a config error, returns its message. */
async function configError(fn: () => unknown): Promise<string> {
  try {
    await fn()
  } catch (error) {
    expect(hasCode(error, 'MLNB_CONFIG')).toBe(true)
    return (error as Error).message
  }
  throw new Error('expected an MLNB_CONFIG error')
}

describe('the shipped samples', () => {
  it('are the generator output (benchmarks/workloads/datasets/generate.ts)', async () => {
    expect(await readFile(samplePath('sharegpt-sample.json'), 'utf8')).toBe(sampleShareGpt())
    expect(await readFile(samplePath('conversations-sample.jsonl'), 'utf8')).toBe(sampleConversations())
    expect(await readFile(samplePath('mooncake-trace-sample.jsonl'), 'utf8')).toBe(sampleMooncakeTrace())
  })
})

describe('ShareGPT JSON', () => {
  it('samples first human turns seeded, skips what vLLM filters, and uses the answer length as max_tokens', async () => {
    const a = await loadShareGpt({ sharegpt: samplePath('sharegpt-sample.json') }, 9, 1)
    const b = await loadShareGpt({ sharegpt: samplePath('sharegpt-sample.json') }, 9, 1)
    expect(a).toEqual(b)
    const records = parseShareGpt('x', sampleShareGpt())
    // Records 3 (2-word prompt), 7 (3-word answer) and 10 (no answer) never appear.
    expect(a.map((s) => s.id)).not.toContain('sample-3')
    expect(a.map((s) => s.id)).not.toContain('sample-7')
    expect(a.map((s) => s.id)).not.toContain('sample-10')
    expect(new Set(a.map((s) => s.id)).size).toBe(9)
    for (const s of a) {
      const r = records.find((x) => x.id === s.id)!
      expect(s.prompt).toBe(r.turns[0])
      expect(s.answerTokens).toBe(estimateTokens(r.turns[1]!))
    }
    // A different seed, a different order.
    expect((await loadShareGpt({ sharegpt: samplePath('sharegpt-sample.json') }, 9, 2)).map((s) => s.id)).not.toEqual(a.map((s) => s.id))
  })

  it('the prompt source sends the prompt as is with max_tokens from the recorded answer', async () => {
    const spec: WorkloadSpec = { name: 's', requests: 3, prompt: { sharegpt: samplePath('sharegpt-sample.json') }, maxTokens: 99 }
    validateWorkload(spec)
    const source = await preparePrompts(spec.prompt, { total: 3, seed: 0 })
    const body = requestBody({ baseUrl: 'http://x', model: 'm' }, spec, source.text(0), source.request?.(0))
    expect(body.messages).toEqual([{ role: 'user', content: source.text(0) }])
    expect(body.max_tokens).toBe(estimateTokens(parseShareGpt('x', sampleShareGpt()).find((r) => r.turns[0] === source.text(0))!.turns[1]!))
  })

  it('names the file, record and field of a bad record', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mlnb-ds-'))
    const file = join(dir, 'bad.json')
    await writeFile(file, JSON.stringify([{ id: 'a', conversations: [{ from: 'human', value: 'hi' }] }, { id: 'b', conversations: [{ from: 'human', value: 7 }] }]))
    const message = await configError(() => loadShareGpt({ sharegpt: file }, 1, 0))
    expect(message).toContain(file)
    expect(message).toContain('record 1')
    expect(message).toContain('conversations[0].value must be a string (got 7)')
    expect(await configError(() => loadShareGpt({ sharegpt: join(dir, 'missing.json') }, 1, 0))).toContain('missing.json')
  })
})

describe('multi-turn conversations (OpenAI chat JSONL)', () => {
  it('turns every user message into a request carrying the history with the recorded answers', () => {
    const text = [
      JSON.stringify({ messages: [{ role: 'system', content: 'be brief' }, { role: 'user', content: 'one' }, { role: 'assistant', content: 'answer one here' }, { role: 'user', content: 'two' }] }),
      JSON.stringify({ messages: [{ role: 'user', content: 'solo' }, { role: 'assistant', content: 'ok' }] }),
    ].join('\n')
    const [first, second] = parseConversations('f.jsonl', text)
    expect(first!.map((t) => t.turn)).toEqual([0, 1])
    expect(first![1]!.messages).toEqual([
      { role: 'system', content: 'be brief' },
      { role: 'user', content: 'one' },
      { role: 'assistant', content: 'answer one here' },
      { role: 'user', content: 'two' },
    ])
    expect(first![0]!.answerTokens).toBe(estimateTokens('answer one here'))
    expect(first![1]!.answerTokens).toBeUndefined()
    expect(second!.map((t) => t.conversation)).toEqual([1])
  })

  it('names the file, line and field of a bad record', async () => {
    const good = JSON.stringify({ messages: [{ role: 'user', content: 'x' }] })
    expect(await configError(() => parseConversations('c.jsonl', `${good}\n\n${JSON.stringify({ messages: [{ role: 'bot', content: 'x' }] })}`))).toMatch(/c\.jsonl line 3: messages\[0\]\.role must be 'system', 'user' or 'assistant' \(got "bot"\)/)
    expect(await configError(() => parseConversations('c.jsonl', `${good}\n{nope`))).toMatch(/c\.jsonl line 2: \(line\) is not JSON/)
    expect(await configError(() => parseConversations('c.jsonl', JSON.stringify({ messages: [{ role: 'assistant', content: 'x' }] })))).toMatch(/line 1: messages has no user message/)
  })

  it('is chat only', async () => {
    expect(await configError(() => validateWorkload({ name: 'c', requests: 1, endpoint: 'completions', prompt: { conversations: 'c.jsonl' }, maxTokens: 5 }))).toMatch(/endpoint = "completions" must be 'chat'/)
  })
})

describe('Mooncake trace', () => {
  it('parses the FAST25 format and synthesises equal blocks of text for equal hash ids', () => {
    const trace = parseMooncakeTrace('t.jsonl', '{"timestamp": 27482, "input_length": 1100, "output_length": 52, "hash_ids": [46, 47, 2353]}\n{"timestamp": 30535, "input_length": 700, "output_length": 26, "hash_ids": [46, 2366]}\n')
    expect(trace[0]).toEqual({ line: 1, timestampMs: 27482, inputLength: 1100, outputLength: 52, hashIds: [46, 47, 2353] })
    const a = tracePrompt(trace[0]!, 512, 0).split(' ')
    const b = tracePrompt(trace[1]!, 512, 0).split(' ')
    expect(a).toHaveLength(1100)
    expect(b).toHaveLength(700)
    expect(estimateTokens(a.join(' '))).toBe(1100)
    expect(a.slice(0, 512)).toEqual(b.slice(0, 512))
    expect(a.slice(512, 700)).not.toEqual(b.slice(512, 700))
  })

  it('sends at the recorded timestamps (scaled) with the recorded output length held', async () => {
    const spec: WorkloadSpec = { name: 't', requests: 4, prompt: { mooncakeTrace: samplePath('mooncake-trace-sample.jsonl'), timeScale: 0.5 }, maxTokens: 1 }
    validateWorkload(spec)
    const source = await preparePrompts(spec.prompt, { total: 4 })
    const trace = parseMooncakeTrace('x', sampleMooncakeTrace())
    expect(source.arrivalOffsetsMs!(0, 4)).toEqual(trace.slice(0, 4).map((r) => (r.timestampMs - trace[0]!.timestampMs) * 0.5))
    const body = requestBody({ baseUrl: 'http://x', model: 'm' }, spec, source.text(1), source.request?.(1))
    expect(body).toMatchObject({ max_tokens: trace[1]!.outputLength, min_tokens: trace[1]!.outputLength, ignore_eos: true })
  })

  it('names the file, line and field of a bad record', async () => {
    expect(await configError(() => parseMooncakeTrace('t.jsonl', '{"timestamp": 0, "input_length": 5, "output_length": 1, "hash_ids": [1]}\n{"timestamp": 1, "input_length": 5, "output_length": 0, "hash_ids": [1]}'))).toMatch(/t\.jsonl line 2: output_length must be an integer ≥ 1 \(got 0\)/)
    expect(await configError(() => parseMooncakeTrace('t.jsonl', '{"timestamp": 0, "input_length": 5, "output_length": 1, "hash_ids": ["a"]}'))).toMatch(/line 1: hash_ids must be an array of integers/)
    expect(await configError(() => validateWorkload({ name: 't', requests: 1, prompt: { mooncakeTrace: 't.jsonl', timeScale: -1 }, maxTokens: 1 }))).toMatch(/prompt\.timeScale = -1/)
    expect(await configError(() => validateWorkload({ name: 't', requests: 1, concurrency: 2, prompt: { mooncakeTrace: 't.jsonl' }, maxTokens: 1 }))).toMatch(/concurrency = 2 must be unset with prompt\.mooncakeTrace/)
    expect(await configError(() => validateWorkload({ name: 't', requests: 1, arrival: { ratePerS: 1 }, prompt: { mooncakeTrace: 't.jsonl' }, maxTokens: 1 }))).toMatch(/arrival = .* must be unset/)
  })
})
