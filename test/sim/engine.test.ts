import { describe, expect, it } from 'vitest'
import { VirtualClock } from '../../src/sim/virtual-clock.js'
import { Engine, type EngineRequest, type StepInfo } from '../../src/sim/engine.js'
import { simulateRequests } from '../../src/sim/simulate.js'
import { testPlan, testStepCostS } from './plan.js'

function runEngine(plan: ReturnType<typeof testPlan>, requests: EngineRequest[], arrivalsS?: number[]) {
  const clock = new VirtualClock()
  const steps: StepInfo[] = []
  const tokens = new Map<string, number[]>()
  const finished: string[] = []
  const engine = new Engine(plan, clock, {
    onStep: (s) => steps.push(s),
    onToken: (r, count, atS) => {
      const list = tokens.get(r.id) ?? []
      expect(count).toBe(list.length + 1)
      list.push(atS)
      tokens.set(r.id, list)
    },
    onFinish: (r) => finished.push(r.id),
  })
  requests.forEach((r, i) => clock.at(arrivalsS?.[i] ?? 0, (t) => engine.add(r, t)))
  clock.drain()
  return { engine, steps, tokens, finished, endS: clock.nowS() }
}

describe('Engine (vLLM V1 scheduling)', () => {
  it('times a lone request: prefill step then one decode step per token', () => {
    const { tokens, steps } = runEngine(testPlan(), [{ id: 'a', promptTokens: 1000, outputTokens: 3 }])
    const t = tokens.get('a')!
    const prefillS = testStepCostS({ prefill: [{ tokens: 1000, contextBefore: 0 }], decode: [] })
    expect(t[0]).toBeCloseTo(prefillS, 12)
    expect(t[1]! - t[0]!).toBeCloseTo(testStepCostS({ prefill: [], decode: [{ contextLen: 1001 }] }), 12)
    expect(steps.map((s) => s.batch.decode.length)).toEqual([0, 1, 1])
  })

  it('splits a long prompt into chunks of max_num_batched_tokens', () => {
    const { steps, tokens } = runEngine(testPlan({ maxNumBatchedTokens: 512 }), [{ id: 'a', promptTokens: 1200, outputTokens: 2 }])
    expect(steps.slice(0, 3).map((s) => s.batch.prefill)).toEqual([
      [{ tokens: 512, contextBefore: 0 }],
      [{ tokens: 512, contextBefore: 512 }],
      [{ tokens: 176, contextBefore: 1024 }],
    ])
    expect(tokens.get('a')).toHaveLength(2)
  })

  it('serves decodes before prefill chunks and never exceeds the token budget or max_num_seqs', () => {
    const plan = testPlan({ maxNumSeqs: 8, maxNumBatchedTokens: 256 })
    const requests = Array.from({ length: 30 }, (_, i) => ({ id: `r${i}`, promptTokens: 100 + 37 * i, outputTokens: 20 + (i % 7) }))
    const { steps, finished, tokens } = runEngine(plan, requests, requests.map((_, i) => i * 0.001))
    for (const s of steps) {
      expect(s.running).toBeLessThanOrEqual(8)
      expect(s.scheduledTokens).toBeLessThanOrEqual(256)
    }
    expect(steps.some((s) => s.running === 8)).toBe(true)
    expect(finished.sort()).toEqual(requests.map((r) => r.id).sort())
    for (const r of requests) expect(tokens.get(r.id)).toHaveLength(r.outputTokens)
  })

  it('preempts the newest request when KV blocks run out, never exceeds the cache, and still completes every token', () => {
    // 40 blocks x 16 tokens = 640 tokens of KV for 6 requests that each grow to ~300 tokens.
    const plan = testPlan({ maxNumSeqs: 16, blockSize: 16 }, 40)
    const requests = Array.from({ length: 6 }, (_, i) => ({ id: `r${i}`, promptTokens: 100, outputTokens: 200 }))
    const { engine, steps, tokens, finished } = runEngine(plan, requests)
    expect(engine.stats.preemptions).toBeGreaterThan(0)
    for (const s of steps) expect(s.usedBlocks).toBeLessThanOrEqual(40)
    expect(engine.stats.maxUsedBlocks).toBeLessThanOrEqual(40)
    expect(finished).toHaveLength(6)
    for (const r of requests) expect(tokens.get(r.id)).toHaveLength(200)
    // Recompute: a preempted request comes back as a prefill of prompt + generated tokens.
    expect(steps.some((s) => s.batch.prefill.some((p) => p.contextBefore === 0 && p.tokens > 100))).toBe(true)
    expect(engine.usedBlocks).toBe(0)
  })

  it('with prefix caching, a preempted request comes back as a cache hit on its prefix and recomputes only the rest', () => {
    const requests = Array.from({ length: 6 }, (_, i) => ({ id: `r${i}`, promptTokens: 100, outputTokens: 200 }))
    const prefillTokens = (enablePrefixCaching: boolean) => {
      const run = runEngine(testPlan({ maxNumSeqs: 16, blockSize: 16, enablePrefixCaching }, 40), requests)
      expect(run.engine.stats.preemptions).toBeGreaterThan(0)
      for (const s of run.steps) expect(s.usedBlocks).toBeLessThanOrEqual(40)
      for (const r of requests) expect(run.tokens.get(r.id)).toHaveLength(200)
      expect(run.engine.usedBlocks).toBe(0)
      return { total: run.steps.reduce((n, s) => n + s.batch.prefill.reduce((m, p) => m + p.tokens, 0), 0), steps: run.steps }
    }
    const cached = prefillTokens(true)
    // A returning request starts after its cached full blocks, not from token 0.
    expect(cached.steps.some((s) => s.batch.prefill.some((p) => p.contextBefore > 0 && p.contextBefore % 16 === 0))).toBe(true)
    expect(cached.total).toBeLessThan(prefillTokens(false).total)
  })

  it('passes requests through the API-server front end one at a time before scheduling them', () => {
    const plan = { ...testPlan(), requestOverheadS: 0.01 }
    const requests = ['a', 'b', 'c'].map((id) => ({ id, promptTokens: 100, outputTokens: 2 }))
    const { tokens, steps } = runEngine(plan, requests)
    // The first step starts when the first request leaves the front end, with that request only.
    expect(steps[0]!.startS).toBeCloseTo(0.01, 12)
    expect(steps[0]!.batch.prefill).toHaveLength(1)
    // The third request reaches the scheduler after three front-end times: its first token is later.
    const firstTokenS = (id: string) => tokens.get(id)![0]!
    expect(firstTokenS('c')).toBeGreaterThan(0.03)
    // b and c may share a step (c is through the front end before the step that takes b ends).
    expect(firstTokenS('a')).toBeLessThan(firstTokenS('b'))
    expect(firstTokenS('b')).toBeLessThanOrEqual(firstTokenS('c'))
  })

  it('without chunked prefill, a prompt larger than the remaining budget waits for the next step', () => {
    const plan = testPlan({ maxNumBatchedTokens: 1000, enableChunkedPrefill: false })
    const { steps } = runEngine(plan, [
      { id: 'a', promptTokens: 600, outputTokens: 2 },
      { id: 'b', promptTokens: 600, outputTokens: 2 },
    ])
    expect(steps[0]!.batch.prefill).toEqual([{ tokens: 600, contextBefore: 0 }])
    expect(steps[1]!.batch.prefill).toEqual([{ tokens: 600, contextBefore: 0 }])
    expect(steps[1]!.batch.decode).toHaveLength(1)
  })

  it('aborting frees the blocks and drops the request from the schedule', () => {
    const clock = new VirtualClock()
    const finished: string[] = []
    const engine = new Engine(testPlan(), clock, { onFinish: (r) => finished.push(r.id) })
    engine.add({ id: 'a', promptTokens: 100, outputTokens: 50 }, 0)
    engine.add({ id: 'b', promptTokens: 100, outputTokens: 50 }, 0)
    clock.at(0.1, () => expect(engine.abort('a')).toBe(true))
    clock.drain()
    expect(finished).toEqual(['b'])
    expect(engine.stats.aborted).toBe(1)
    expect(engine.usedBlocks).toBe(0)
  })

  it('rejects a request larger than the whole KV cache instead of stalling', () => {
    const rejected: string[] = []
    const clock = new VirtualClock()
    const engine = new Engine(testPlan({}, 4), clock, { onReject: (r) => rejected.push(r.id) })
    engine.add({ id: 'big', promptTokens: 100, outputTokens: 10 }, 0)
    clock.drain()
    expect(rejected).toEqual(['big'])
  })
})

describe('simulateRequests', () => {
  const requests = Array.from({ length: 40 }, (_, i) => ({ arrivalS: i * 0.05, promptTokens: 500 + 13 * i, outputTokens: 20 + (i % 9) }))

  it('is deterministic and returns one complete record per request, in input order', () => {
    const a = simulateRequests({ plan: testPlan(), instances: 2, requests })
    const b = simulateRequests({ plan: testPlan(), instances: 2, requests })
    expect(a).toEqual(b)
    expect(a.map((r) => r.index)).toEqual(requests.map((_, i) => i))
    for (const [i, r] of a.entries()) {
      expect(r.failure).toBeUndefined()
      expect(r.completionTokens).toBe(requests[i]!.outputTokens)
      expect(r.contentChunkAtMs).toHaveLength(requests[i]!.outputTokens)
      expect(r.sentAtMs).toBe(requests[i]!.arrivalS * 1000)
      expect(r.firstChunkAtMs!).toBeGreaterThan(r.sentAtMs)
      expect(r.endAtMs).toBe(r.contentChunkAtMs.at(-1))
    }
  })

  it('closed loop: never more than `concurrency` requests in flight', () => {
    const closed = requests.map((r) => ({ promptTokens: r.promptTokens, outputTokens: r.outputTokens }))
    const recs = simulateRequests({ plan: testPlan(), instances: 1, requests: closed, concurrency: 4 })
    const events = recs.flatMap((r) => [[r.sentAtMs, 1], [r.endAtMs, -1]] as const).sort((x, y) => x[0] - y[0] || x[1] - y[1])
    let live = 0
    let peak = 0
    for (const [, d] of events) {
      live += d
      peak = Math.max(peak, live)
    }
    expect(peak).toBe(4)
    expect(recs.filter((r) => r.sentAtMs === 0)).toHaveLength(4)
  })

  it('more instances or less slowdown make the same load faster', () => {
    const burst = requests.map((r) => ({ promptTokens: r.promptTokens, outputTokens: r.outputTokens }))
    const span = (recs: ReturnType<typeof simulateRequests>) => Math.max(...recs.map((r) => r.endAtMs))
    const one = span(simulateRequests({ plan: testPlan(), instances: 1, requests: burst }))
    const two = span(simulateRequests({ plan: testPlan(), instances: 2, requests: burst }))
    const slow = span(simulateRequests({ plan: testPlan(), instances: 1, requests: burst, slowdown: 2 }))
    expect(two).toBeLessThan(one)
    expect(slow).toBeCloseTo(one * 2, 6)
  })

  it('fails requests beyond max_model_len with status 400', () => {
    const recs = simulateRequests({ plan: testPlan({ maxModelLen: 1000 }), instances: 1, requests: [{ promptTokens: 900, outputTokens: 200 }, { promptTokens: 10, outputTokens: 5 }] })
    expect(recs[0]!.failure).toMatchObject({ reason: 'http_status', status: 400 })
    expect(recs[1]!.failure).toBeUndefined()
  })
})

describe('Engine causality', () => {
  it('never puts a request into a step that started before its arrival', () => {
    const clock = new VirtualClock()
    const steps: StepInfo[] = []
    const tokens: number[] = []
    const engine = new Engine(testPlan(), clock, { onStep: (s) => steps.push(s), onToken: (_r, _c, atS) => tokens.push(atS) })
    engine.add({ id: 'a', promptTokens: 100, outputTokens: 1 }, 0)
    // Added at its arrival's event time, but stamped later than the running step's end (as a
    // wall-clock request whose handler ran while the step-end timer was late).
    const firstEndS = testStepCostS({ prefill: [{ tokens: 100, contextBefore: 0 }], decode: [] })
    clock.at(0.001, () => engine.add({ id: 'b', promptTokens: 100, outputTokens: 1 }, firstEndS + 0.5))
    clock.drain()
    expect(steps.map((s) => s.startS)).toEqual([0, firstEndS + 0.5])
    expect(tokens[1]).toBeCloseTo(firstEndS + 0.5 + firstEndS, 12)
  })
})
