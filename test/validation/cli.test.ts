/**
 * `mlnode-bench validation record|check` against real HTTP servers on 127.0.0.1: the simulator
 * (MLNode's vLLM with enforced_tokens) and a plain OpenAI server that ignores or rejects them.
 */
import { createServer, type Server } from 'node:http'
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { run } from '../../src/cli/commands/validation.js'
import { generate, logitsIdentity } from '../../src/sim/logits.js'
import { startTestSim, up } from '../sim/helpers.js'

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mlnb-validation-cli-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

/** Runs the command in-process, capturing what it prints. */
async function cli(args: string[]): Promise<{ code?: number; error?: { code?: string; message: string }; out: string }> {
  const lines: string[] = []
  const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void lines.push(a.join(' ')))
  try {
    return { code: await run(args), out: lines.join('\n') }
  } catch (error) {
    return { error: error as { code?: string; message: string }, out: lines.join('\n') }
  } finally {
    log.mockRestore()
  }
}

async function simWith(args: string[]) {
  const sim = await startTestSim({ clock: 'virtual' })
  expect((await up(sim, 'test/model', args)).status).toBe(200)
  return sim
}

/** A plain OpenAI server over the pseudo-LM (another layout) that ignores, or rejects, enforced_tokens. */
async function plainServer(behaviour: 'ignore' | 'reject'): Promise<{ url: string; close(): Promise<void> }> {
  const identity = logitsIdentity({ model: 'test/model', dtype: 'float16', additionalArgs: [] }, 'plain-gpu', { tp: 1, pp: 1 })
  const server: Server = createServer((req, res) => {
    let text = ''
    req.on('data', (c) => (text += c))
    req.on('end', () => {
      if (req.url === '/v1/models') return void res.end(JSON.stringify({ data: [{ id: 'test/model' }] }))
      const body = JSON.parse(text)
      if (behaviour === 'reject' && body.enforced_tokens !== undefined) {
        res.writeHead(400, { 'content-type': 'application/json' })
        return void res.end(JSON.stringify({ error: { message: "Extra inputs are not permitted: 'enforced_tokens'", type: 'BadRequestError', code: 400 } }))
      }
      const answer = generate({ identity, promptKey: JSON.stringify(body.messages), sampling: { temperature: body.temperature, topP: body.top_p ?? 1, topK: body.top_k ?? -1 }, mode: 'processed_logprobs', topLogprobs: body.top_logprobs, length: body.max_tokens, seed: body.seed })
      const content = answer.map((p) => ({ token: String(p.token), logprob: p.logprob, top_logprobs: p.top.map((t) => ({ token: String(t.token), logprob: t.logprob })) }))
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ choices: [{ index: 0, message: { role: 'assistant', content: 'x' }, logprobs: { content }, finish_reason: 'length' }] }))
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise((r) => server.close(() => r())) }
}

describe('mlnode-bench validation record / check', () => {
  it('records a reference atomically, passes on the same deployment and fails another --kv-cache-dtype with similarity and threshold', async () => {
    const reference = await simWith(['-tp', '2'])
    const ref = join(dir, 'ref.jsonl')
    const recorded = await cli(['record', '--out', ref, '--url', reference.inferenceUrl, '--prompts', '4', '--max-tokens', '128', '--variant', 'tp2'])
    expect(recorded.code, recorded.error?.message).toBe(0)
    expect(recorded.out).toContain(`written to ${ref}`)
    const lines = (await readFile(ref, 'utf8')).trim().split('\n').map((l) => JSON.parse(l))
    expect(lines).toHaveLength(5)
    expect(lines[0]).toMatchObject({ kind: 'mlnode-bench/validation-reference', version: 1, model: 'test/model', variant: 'tp2', target: { kind: 'simulated', hardware: '8xrtx-4070-ti-super' } })
    expect(recorded.out).toContain('(SIMULATED 8xrtx-4070-ti-super')
    expect(lines[1].probe).toMatchObject({ id: 'probe-0', sampling: { temperature: 0 }, maxTokens: 128 })
    expect(lines[2].probe.sampling).toEqual({ temperature: 0.7, topP: 0.9 })
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([])

    const same = await cli(['check', '--reference', ref, '--url', reference.inferenceUrl, '--json'])
    expect(same.code, same.error?.message).toBe(0)
    expect(JSON.parse(same.out.split('\n').slice(0, -1).join('\n'))).toMatchObject({ mode: 'enforced-tokens', minSimilarity: 1, passed: true, threshold: 0.99, simulated: '8xrtx-4070-ti-super' })

    const layout = await simWith(['-tp', '4'])
    const other = await cli(['check', '--reference', ref, '--url', layout.inferenceUrl, '--threshold', '0.95'])
    expect(other.code, other.error?.message).toBe(0)
    expect(other.out).toMatch(/similarity min 0\.9[5-9]\d\d/)

    const kv = await simWith(['-tp', '2', '--kv-cache-dtype', 'fp8'])
    const failed = await cli(['check', '--reference', ref, '--url', kv.inferenceUrl, '--threshold', '0.9'])
    expect(failed.error?.code).toBe('MLNB_VALIDATION')
    expect(failed.error?.message).toMatch(/fails the network's validation against .*ref\.jsonl: similarity min 0\.\d{4}, median 0\.\d{4}, 100 % of 4 probes at or below threshold 0\.9 \(suite option validation\.threshold\)/)
  })

  it('names a reference of another model, a broken line and a missing file', async () => {
    const sim = await simWith([])
    const ref = join(dir, 'other-model.jsonl')
    await writeFile(ref, `${JSON.stringify({ kind: 'mlnode-bench/validation-reference', version: 1, model: 'Qwen/QwQ-32B', variant: 'x', args: [], target: { kind: 'simulated', hardware: 'h' }, recordedAt: 'now' })}\n${JSON.stringify({ probe: { id: 'probe-0', messages: [], sampling: { temperature: 0 }, seed: 1, maxTokens: 4 }, answer: [{ token: '1', logprob: -1, top_logprobs: [{ token: '1', logprob: -1 }] }] })}\n`)
    const model = await cli(['check', '--reference', ref, '--url', sim.inferenceUrl])
    expect(model.error).toMatchObject({ code: 'MLNB_VALIDATION_REFERENCE' })
    expect(model.error!.message).toBe(`${ref}: was recorded for model "Qwen/QwQ-32B", not "test/model"`)
    const broken = join(dir, 'broken.jsonl')
    await writeFile(broken, `${JSON.stringify({ kind: 'mlnode-bench/validation-reference', version: 1, model: 'test/model', variant: 'x', recordedAt: 'now' })}\n{"probe": 1}\n`)
    expect((await cli(['check', '--reference', broken, '--url', sim.inferenceUrl])).error?.message).toBe(`${broken}: line 2: field "probe" is not {id, messages, sampling, seed, maxTokens}`)
    expect((await cli(['check', '--reference', join(dir, 'nope.jsonl'), '--url', sim.inferenceUrl])).error?.message).toMatch(/nope\.jsonl: cannot read the validation reference/)
  })

  for (const behaviour of ['ignore', 'reject'] as const) {
    it(`a plain OpenAI server that ${behaviour}s enforced_tokens: exact-token fallback, with the reason`, async () => {
      const sim = await simWith(['-tp', '2'])
      const ref = join(dir, `plain-${behaviour}.jsonl`)
      expect((await cli(['record', '--out', ref, '--url', sim.inferenceUrl, '--prompts', '6', '--max-tokens', '32'])).code).toBe(0)
      const plain = await plainServer(behaviour)
      try {
        const r = await cli(['check', '--reference', ref, '--url', plain.url, '--json', '--threshold', '0.5'])
        const figures = JSON.parse((r.code === 0 ? r.out.split('\n').slice(0, -1) : r.out.split('\n')).join('\n'))
        expect(figures.mode).toBe('exact-tokens')
        expect(figures.modeReason).toMatch(behaviour === 'ignore' ? /the server ignores enforced_tokens: probe probe-\d+ came back with "\d+" at position \d+ where "\d+" was forced/ : /the server rejected enforced_tokens \(HTTP 400: .*enforced_tokens/)
        // Greedy probes agree on their first tokens (another layout only drifts); the sampled ones diverge.
        expect(figures.compared).toBeGreaterThan(0)
        expect(figures.firstDifference).toMatchObject({ probe: expect.stringMatching(/^probe-/) })
      } finally {
        await plain.close()
      }
    })
  }
})
