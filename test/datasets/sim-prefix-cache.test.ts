import { describe, expect, it } from 'vitest'
import { VirtualClock } from '../../src/sim/virtual-clock.js'
import { Engine, type EngineRequest, type StepInfo } from '../../src/sim/engine.js'
import { blockHashes, chatTokenIds, completionTokenIds } from '../../src/sim/prompt-blocks.js'
import { chatPromptTokens, estimateTokens } from '../../src/sim/text.js'
import { testPlan as basePlan } from '../sim/plan.js'

/** The test plan with prefix caching on (vLLM V1's default; the shared test plan turns it off). */
const testPlan = (engine: Parameters<typeof basePlan>[0] = {}, kvBlocks?: number) => basePlan({ enablePrefixCaching: true, ...engine }, kvBlocks)

/** Requests arrive at the given times; returns the engine and the steps it took. */
function run(plan: ReturnType<typeof testPlan>, requests: EngineRequest[], arrivalsS: number[]) {
  const clock = new VirtualClock()
  const steps: StepInfo[] = []
  const finished: string[] = []
  const engine = new Engine(plan, clock, { onStep: (s) => steps.push(s), onFinish: (r) => finished.push(r.id) })
  requests.forEach((r, i) => clock.at(arrivalsS[i]!, (t) => engine.add(r, t)))
  clock.drain()
  return { engine, steps, finished }
}

/** Hashes of a prompt of `blocks` blocks of 16 ids: the first `shared` blocks common to every tag. */
function hashes(tag: string, blocks: number, shared: number): number[] {
  const ids = Array.from({ length: blocks * 16 }, (_, i) => (i < shared * 16 ? i : 1_000_000 + i + tag.length * 7919 + tag.charCodeAt(0) * 104729))
  return blockHashes(ids, 16)
}

describe('simulated prefix cache (shared prompt blocks)', () => {
  it('a later request with the same leading blocks computes only the rest, and counts the hit', () => {
    const a: EngineRequest = { id: 'a', promptTokens: 160, outputTokens: 2, blockHashes: hashes('a', 10, 6) }
    const b: EngineRequest = { id: 'b', promptTokens: 160, outputTokens: 2, blockHashes: hashes('b', 10, 6) }
    const { engine, steps, finished } = run(testPlan(), [a, b], [0, 1])
    expect(finished).toEqual(['a', 'b'])
    const prefills = steps.flatMap((s) => s.batch.prefill)
    expect(prefills).toEqual([{ tokens: 160, contextBefore: 0 }, { tokens: 64, contextBefore: 96 }])
    expect(engine.stats.prefixQueries).toBe(320)
    expect(engine.stats.prefixHits).toBe(96)
    // Every block is free again (cached blocks count as free), none leaked or freed twice.
    expect(engine.usedBlocks).toBe(0)
  })

  it('never hits the last token: an identical prompt recomputes its last block', () => {
    const h = hashes('x', 4, 4)
    const { engine, steps } = run(testPlan(), [{ id: 'a', promptTokens: 64, outputTokens: 1, blockHashes: h }, { id: 'b', promptTokens: 64, outputTokens: 1, blockHashes: h }], [0, 1])
    expect(steps.flatMap((s) => s.batch.prefill)[1]).toEqual({ tokens: 16, contextBefore: 48 })
    expect(engine.stats.prefixHits).toBe(48)
    expect(engine.usedBlocks).toBe(0)
  })

  it('is off with --no-enable-prefix-caching', () => {
    const h = hashes('x', 4, 4)
    const { engine, steps } = run(testPlan({ enablePrefixCaching: false }), [{ id: 'a', promptTokens: 64, outputTokens: 1, blockHashes: h }, { id: 'b', promptTokens: 64, outputTokens: 1, blockHashes: h }], [0, 1])
    expect(steps.flatMap((s) => s.batch.prefill)[1]).toEqual({ tokens: 64, contextBefore: 0 })
    expect(engine.stats.prefixQueries).toBe(0)
  })

  it('shares blocks in use by a running request and frees each block once', () => {
    // b arrives while a is still decoding: a's computed prompt blocks are referenced by both.
    const a: EngineRequest = { id: 'a', promptTokens: 160, outputTokens: 50, blockHashes: hashes('a', 10, 8) }
    const b: EngineRequest = { id: 'b', promptTokens: 160, outputTokens: 50, blockHashes: hashes('b', 10, 8) }
    const { engine, steps } = run(testPlan(), [a, b], [0, 0.5])
    const both = steps.filter((s) => s.running === 2)
    expect(both.length).toBeGreaterThan(0)
    // Shared: 8 blocks once, plus each one's own 2 prompt blocks and decode blocks.
    expect(Math.max(...both.map((s) => s.usedBlocks))).toBeLessThan(2 * Math.ceil(210 / 16))
    expect(engine.stats.prefixHits).toBe(128)
    expect(engine.usedBlocks).toBe(0)
  })

  it('evicts free cached blocks when the cache runs short (least recently freed first)', () => {
    // 12 blocks: a (8 blocks, 7 of them full prompt blocks) finishes, c (8 other blocks) evicts
    // part of a's cached prefix, b then finds only what is left of it.
    const plan = testPlan({}, 12)
    const a: EngineRequest = { id: 'a', promptTokens: 127, outputTokens: 1, blockHashes: hashes('a', 7, 7) }
    const c: EngineRequest = { id: 'c', promptTokens: 127, outputTokens: 1, blockHashes: hashes('c', 7, 0) }
    const b: EngineRequest = { id: 'b', promptTokens: 127, outputTokens: 1, blockHashes: hashes('b', 7, 7) }
    const { engine, finished } = run(plan, [a, c, b], [0, 1, 2])
    expect(finished).toEqual(['a', 'c', 'b'])
    // c needed 8 blocks of 12: 5 were clean, 3 of a's 7 cached ones were evicted (tail first); a's first 4 survive.
    expect(engine.stats.prefixHits).toBe(4 * 16)
    expect(engine.usedBlocks).toBe(0)
  })
})

describe('block accounting under pressure', () => {
  it('preempts, evicts and shares without ever exceeding the cache or leaking a block', () => {
    // 60 requests over 4 shared prefixes in a cache too small for them: preemption, eviction of
    // free cached blocks and of preempted prefixes, and sharing all happen.
    const plan = testPlan({ maxNumSeqs: 32, maxNumBatchedTokens: 512 }, 120)
    const requests: EngineRequest[] = Array.from({ length: 60 }, (_, i) => {
      const blocks = 4 + (i % 5)
      const shared = 2 + (i % 3)
      // The first `shared` blocks are those of group i % 4, the rest this request's own.
      const ids = Array.from({ length: blocks * 16 }, (_, t) => (t < shared * 16 ? (i % 4) * 100_000 + t : 5_000_000 + i * 1000 + t))
      return { id: `r${i}`, promptTokens: blocks * 16 + (i % 7), outputTokens: 10 + (i % 13) * 7, blockHashes: blockHashes(ids, 16) }
    })
    const { engine, steps, finished } = run(plan, requests, requests.map((_, i) => i * 0.003))
    expect(finished.sort()).toEqual(requests.map((r) => r.id).sort())
    for (const s of steps) expect(s.usedBlocks).toBeLessThanOrEqual(120)
    expect(engine.stats.preemptions).toBeGreaterThan(0)
    expect(engine.stats.prefixHits).toBeGreaterThan(0)
    expect(engine.usedBlocks).toBe(0)
  })
})

describe('prompt blocks (the simulator cuts prompts as it counts them)', () => {
  it('gives as many pseudo-tokens as the token count', () => {
    const text = 'the model 12345 unusualwordhere émigré and'
    expect(completionTokenIds(text)).toHaveLength(estimateTokens(text))
    const messages = [{ role: 'user', content: text }, { role: 'assistant', content: 'the answer' }, { role: 'user', content: 'and more' }]
    expect(chatTokenIds(messages)).toHaveLength(chatPromptTokens(messages))
  })

  it('chains hashes: a block matches only with the same prefix before it', () => {
    const x = blockHashes([...Array(16).fill(1), ...Array(16).fill(2)], 16)
    const y = blockHashes([...Array(16).fill(3), ...Array(16).fill(2)], 16)
    expect(x[1]).not.toBe(y[1])
    expect(blockHashes([...Array(16).fill(1), 5, 6], 16)).toEqual([x[0]])
  })
})
