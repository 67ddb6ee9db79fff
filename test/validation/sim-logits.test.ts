/**
 * The simulator's logprobs path over HTTP: determinism, enforced tokens, logprobs modes and
 * sampling, and the simulated drift (a layout stays inside the thresholds, an output-changing
 * arg falls outside) measured with the ported CompareLogits.
 */
import { describe, expect, it } from 'vitest'
import { compareLogits, reportedValue, type PositionLogprobs } from '../../src/validation/compare-logits.js'
import { parseSse, postJson, startTestSim, up } from '../sim/helpers.js'
import type { SimulatorHandle } from '../../src/sim/index.js'

const messages = [{ role: 'user', content: 'Explain the KV cache in one paragraph.' }]
const probe = (extra: Record<string, unknown> = {}) => ({ model: 'test/model', messages, max_tokens: 64, logprobs: true, top_logprobs: 5, seed: 7, return_token_ids: true, skip_special_tokens: false, ...extra })

async function ask(sim: SimulatorHandle, body: object): Promise<{ positions: PositionLogprobs[]; ids: number[]; text: string; finish: string }> {
  const res = await postJson(`${sim.inferenceUrl}/v1/chat/completions`, body)
  expect(res.status).toBe(200)
  const json = await res.json()
  const choice = json.choices[0]
  return { positions: choice.logprobs.content, ids: choice.token_ids, text: choice.message.content, finish: choice.finish_reason }
}

async function simWith(args: string[]): Promise<SimulatorHandle> {
  const sim = await startTestSim({ clock: 'virtual' })
  expect((await up(sim, 'test/model', args)).status).toBe(200)
  return sim
}

const enforcedOf = (positions: readonly PositionLogprobs[]) => ({ tokens: positions.map((p) => ({ token: p.token, top_tokens: p.top_logprobs.map((t) => t.token) })) })

describe('simulated logprobs (pseudo-LM)', () => {
  it('answers with token ids, top-5 logprobs and token_ids, the same each time', async () => {
    const sim = await simWith(['-tp', '2'])
    const a = await ask(sim, probe())
    const b = await ask(sim, probe())
    expect(a.positions).toHaveLength(64)
    expect(a).toEqual(b)
    for (const p of a.positions) {
      expect(p.token).toMatch(/^\d+$/)
      expect(p.top_logprobs).toHaveLength(5)
      expect(p.top_logprobs.map((t) => t.logprob)).toEqual([...p.top_logprobs.map((t) => t.logprob)].sort((x, y) => y - x))
    }
    expect(a.ids.map(String)).toEqual(a.positions.map((p) => p.token))
    // Another seed samples another answer; greedy ignores the seed (the seed still draws the
    // simulated EOS, src/sim/text.ts, so the lengths may differ: compare the common part).
    expect((await ask(sim, probe({ seed: 8 }))).ids.slice(0, 10)).not.toEqual(a.ids.slice(0, 10))
    const g1 = (await ask(sim, probe({ temperature: 0, seed: 1 }))).ids
    const g2 = (await ask(sim, probe({ temperature: 0, seed: 2 }))).ids
    const n = Math.min(g1.length, g2.length)
    expect(n).toBeGreaterThan(10)
    expect(g2.slice(0, n)).toEqual(g1.slice(0, n))
  })

  it('enforced_tokens: the answer is exactly the forced tokens, scored with the model\'s own logprobs', async () => {
    const sim = await simWith(['-tp', '2'])
    const sampled = await ask(sim, probe({ temperature: 0.7, top_p: 0.9 }))
    const replay = await ask(sim, probe({ temperature: 0.7, top_p: 0.9, seed: 12345, enforced_tokens: enforcedOf(sampled.positions) }))
    expect(replay.positions).toEqual(sampled.positions)
    // Forcing other tokens: the ids are the forced ones, their logprobs the model's.
    const forced = { tokens: [{ token: '5', top_tokens: [] }, { token: '77', top_tokens: [] }] }
    const other = await ask(sim, probe({ enforced_tokens: forced }))
    expect(other.ids).toEqual([5, 77])
    expect(other.finish).toBe('stop')
  })

  it('logprobs_mode: processed applies temperature and top-p (excluded tokens at -9999), raw does not', async () => {
    const sim = await simWith([])
    const processed = await ask(sim, probe({ temperature: 0.5, top_p: 0.5 }))
    const raw = await ask(sim, probe({ temperature: 0.5, top_p: 0.5, logprobs_mode: 'raw_logprobs', enforced_tokens: enforcedOf(processed.positions) }))
    expect(processed.positions.some((p) => p.top_logprobs.some((t) => t.logprob === -9999))).toBe(true)
    expect(raw.positions.every((p) => p.top_logprobs.every((t) => t.logprob > -9999))).toBe(true)
    expect(raw.positions[0]!.logprob).not.toBe(processed.positions[0]!.logprob)
  })

  it('streams the same answer with one logprobs entry per token chunk', async () => {
    const sim = await simWith([])
    const whole = await ask(sim, probe())
    const res = await postJson(`${sim.inferenceUrl}/v1/chat/completions`, probe({ stream: true, stream_options: { include_usage: true } }))
    const chunks = parseSse(await res.text()).filter((c): c is any => c !== '[DONE]' && (c as any).choices.length > 0 && (c as any).choices[0].delta.content !== '')
    expect(chunks.flatMap((c) => c.choices[0].logprobs.content)).toEqual(whole.positions)
    expect(chunks.map((c) => c.choices[0].delta.content).join('')).toBe(whole.text)
  })

  it('rejects a malformed enforced_tokens and top_logprobs without logprobs (400)', async () => {
    const sim = await simWith([])
    const bad = await postJson(`${sim.inferenceUrl}/v1/chat/completions`, probe({ enforced_tokens: { tokens: [{ token: 'hello' }] } }))
    expect(bad.status).toBe(400)
    expect((await bad.json()).error.message).toContain('enforced_tokens.tokens[0].token must be a token id')
    expect((await postJson(`${sim.inferenceUrl}/v1/chat/completions`, probe({ logprobs: false }))).status).toBe(400)
  })

  it('drift: another layout stays above 0.98, another --kv-cache-dtype falls below 0.90 (simulated)', async () => {
    const reference = await simWith(['-tp', '8'])
    const layout = await simWith(['-tp', '4', '-pp', '2'])
    const kv = await simWith(['-tp', '8', '--kv-cache-dtype', 'fp8'])
    const similarities: Record<'layout' | 'kv', number[]> = { layout: [], kv: [] }
    for (let i = 0; i < 6; i++) {
      const body = { ...probe({ max_tokens: 128, seed: i, temperature: i % 2 ? 0 : 0.7, top_p: 0.9 }), messages: [{ role: 'user', content: `question ${i}` }] }
      const ref = await ask(reference, body)
      for (const [name, sim] of [['layout', layout], ['kv', kv]] as const) {
        const replay = await ask(sim, { ...body, enforced_tokens: enforcedOf(ref.positions) })
        similarities[name].push(reportedValue(compareLogits(ref.positions, replay.positions)))
      }
    }
    expect(Math.min(...similarities.layout)).toBeGreaterThan(0.98)
    expect(Math.max(...similarities.layout)).toBeLessThan(1)
    expect(Math.max(...similarities.kv)).toBeLessThan(0.9)
  })
})
