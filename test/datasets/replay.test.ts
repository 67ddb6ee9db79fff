/**
 * Datasets run end to end against the embedded simulator (HTTP on 127.0.0.1): a multi-turn
 * conversation file, and a Mooncake trace whose prefix-cache hit rate on the simulator matches
 * the rate computed from the trace's hash_ids alone.
 */
import { readFile } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'
import { parseConversations } from '../../src/load/datasets/conversations.js'
import { parseMooncakeTrace, type TraceRequest } from '../../src/load/datasets/mooncake.js'
import { runWorkload, type WorkloadSpec } from '../../src/load/index.js'
import type { VariantResolver } from '../../src/sim/index.js'
import { chatPromptTokens } from '../../src/sim/text.js'
import { getJson, startTestSim, testPlanner, up, waitFor } from '../sim/helpers.js'

const samplePath = (name: string): string => new URL(`../../benchmarks/workloads/datasets/${name}`, import.meta.url).pathname

/** The test planner with vLLM's default prefix caching and a KV cache that never evicts. */
const cachingPlanner: VariantResolver = (request, hardwareId) => {
  const variant = testPlanner(request, hardwareId)
  if (variant.plan === undefined) return variant
  const off = request.additionalArgs.includes('--no-enable-prefix-caching')
  return { ...variant, plan: { ...variant.plan, kvBlocks: 1_000_000, engine: { ...variant.plan.engine, enablePrefixCaching: !off } } }
}

async function startCachingSim(args: string[] = [], clock: 'wall' | 'virtual' = 'virtual') {
  const sim = await startTestSim({ resolveVariant: cachingPlanner, eosPerToken: 0, ...(clock === 'virtual' ? { clock } : { startupS: 0 }) })
  expect((await up(sim, 'test/model', args)).status).toBe(200)
  await waitFor(async () => ((await getJson(`${sim.inferenceUrl}/health`)).status === 200 ? true : undefined), 'health')
  return sim
}

/** Sum over engines of a counter on the simulator's vLLM /metrics page. */
async function counter(url: string, name: string): Promise<number> {
  const page = await (await fetch(`${url}/metrics`)).text()
  let sum = 0
  for (const line of page.split('\n')) if (line.startsWith(`${name}{`)) sum += Number(line.slice(line.lastIndexOf(' ') + 1))
  return sum
}

/**
 * Prefix-cache hit tokens of each trace request with an unbounded cache, from hash_ids alone:
 * equal ids at equal positions are equal 512-token blocks, so two requests share
 * min(512 × leading equal ids, both lengths) tokens; the server reuses whole blocks of
 * `blockSize` tokens and never the prompt's last token (vLLM caps a hit at num_tokens − 1).
 */
function expectedHitTokens(trace: readonly TraceRequest[], blockSize: number): number[] {
  return trace.map((r, i) => {
    let best = 0
    for (const q of trace.slice(0, i)) {
      let m = 0
      while (m < r.hashIds.length && m < q.hashIds.length && r.hashIds[m] === q.hashIds[m]) m++
      best = Math.max(best, Math.floor(Math.min(m * 512, r.inputLength, q.inputLength) / blockSize))
    }
    return Math.min(best, Math.floor((r.inputLength - 1) / blockSize)) * blockSize
  })
}

describe('Mooncake trace replay on the simulator', () => {
  it('hits the prefix cache exactly as the trace hash_ids say (unbounded cache)', async () => {
    const sim = await startCachingSim()
    const file = samplePath('mooncake-trace-sample.jsonl')
    const trace = parseMooncakeTrace(file, await readFile(file, 'utf8'))
    // Stretched ×10 so each request's prefill is done before the next arrives (≥ 1 s apart in
    // simulated time): a request arriving mid-prefill of its prefix finds nothing cached yet.
    const spec: WorkloadSpec = { name: 'trace', endpoint: 'completions', requests: trace.length, prompt: { mooncakeTrace: file, timeScale: 10 }, maxTokens: 1 }
    const run = await runWorkload({ baseUrl: sim.inferenceUrl, model: 'test/model' }, spec, { simulatedTime: true })
    expect(run.records.every((r) => r.failure === undefined)).toBe(true)
    // Recorded lengths held: prompt as long as input_length, output exactly output_length.
    expect(run.records.map((r) => r.promptTokens)).toEqual(trace.map((r) => r.inputLength))
    expect(run.records.map((r) => r.completionTokens)).toEqual(trace.map((r) => r.outputLength))
    // Sent at the recorded timestamps (simulated time: exactly).
    expect(run.records.map((r) => r.scheduledAtMs - run.records[0]!.scheduledAtMs)).toEqual(trace.map((r) => expect.closeTo((r.timestampMs - trace[0]!.timestampMs) * 10, 3)))

    const hits = expectedHitTokens(trace, 16)
    const queries = trace.reduce((s, r) => s + r.inputLength, 0)
    const expectedRate = hits.reduce((a, b) => a + b, 0) / queries
    expect(expectedRate).toBeGreaterThan(0.2)
    const simQueries = await counter(sim.inferenceUrl, 'vllm:prefix_cache_queries_total')
    const simHits = await counter(sim.inferenceUrl, 'vllm:prefix_cache_hits_total')
    expect(simQueries).toBe(queries)
    expect(simHits / simQueries).toBeCloseTo(expectedRate, 12)
  })

  it('finds no hits with --no-enable-prefix-caching', async () => {
    const sim = await startCachingSim(['--no-enable-prefix-caching'])
    const file = samplePath('mooncake-trace-sample.jsonl')
    const spec: WorkloadSpec = { name: 'trace', endpoint: 'completions', requests: 6, prompt: { mooncakeTrace: file, timeScale: 0.1 }, maxTokens: 1 }
    const run = await runWorkload({ baseUrl: sim.inferenceUrl, model: 'test/model' }, spec, { simulatedTime: true })
    expect(run.records.filter((r) => r.failure === undefined)).toHaveLength(6)
    expect(await counter(sim.inferenceUrl, 'vllm:prefix_cache_hits_total')).toBe(0)
  })
})

describe('multi-turn conversations on the simulator', () => {
  it('sends each turn with its history after the turn before it ended, conversations side by side', async () => {
    const sim = await startCachingSim([], 'wall')
    const file = samplePath('conversations-sample.jsonl')
    const turns = parseConversations(file, await readFile(file, 'utf8')).flat()
    const spec: WorkloadSpec = { name: 'chat', requests: turns.length, concurrency: 3, prompt: { conversations: file }, maxTokens: 50 }
    const run = await runWorkload({ baseUrl: sim.inferenceUrl, model: 'test/model' }, spec, { workers: 0 })
    expect(run.records.every((r) => r.failure === undefined)).toBe(true)
    const byIndex = new Map(run.records.map((r) => [r.index, r]))
    turns.forEach((t, i) => {
      const record = byIndex.get(i)!
      // The whole history went out: the simulator's prompt count of those messages.
      expect(record.promptTokens).toBe(chatPromptTokens(t.messages))
      // max_tokens from the recorded answer (ignore_eos off, EOS off in this simulator: exactly).
      expect(record.completionTokens).toBe(t.answerTokens)
      if (t.turn > 0) expect(record.sentAtMs).toBeGreaterThanOrEqual(byIndex.get(i - 1)!.endAtMs)
    })
    // Conversations overlapped: some later conversation started before an earlier one ended.
    const firsts = turns.map((t, i) => (t.turn === 0 ? i : -1)).filter((i) => i >= 0)
    const lastOf = (c: number) => turns.reduce((last, t, i) => (t.conversation === c ? i : last), -1)
    expect(firsts.some((i, c) => c > 0 && byIndex.get(i)!.sentAtMs < byIndex.get(lastOf(c - 1))!.endAtMs)).toBe(true)
    // Each later turn reuses its history's blocks.
    expect(await counter(sim.inferenceUrl, 'vllm:prefix_cache_hits_total')).toBeGreaterThan(0)
  })

  it('refuses several conversations at once on simulated time (its sessions admit in index order)', async () => {
    const spec: WorkloadSpec = { name: 'chat', requests: 2, concurrency: 2, prompt: { conversations: samplePath('conversations-sample.jsonl') }, maxTokens: 5 }
    await expect(runWorkload({ baseUrl: 'http://127.0.0.1:9', model: 'm' }, spec, { simulatedTime: true })).rejects.toThrow(/needs the wall clock/)
  })
})
