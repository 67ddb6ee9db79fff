import { afterEach, describe, expect, it } from 'vitest'
import { hasCode } from '../../src/errors.js'
import { arrivalOffsetsMs, runWorkload, validateWorkload, type WorkloadSpec } from '../../src/load/index.js'
import { summarize } from '../../src/metrics/index.js'
import { startFakeVllm, type FakeVllm } from './helpers/server.js'

let server: FakeVllm | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

const base: WorkloadSpec = { name: 'w', requests: 4, prompt: { tokens: 16 }, maxTokens: 3 }

describe('arrival schedule (deterministic seed)', () => {
  it.each([1, 0.5, 4])('gamma inter-arrivals with burstiness %s have mean 1/rate and CV 1/sqrt(burstiness)', (burstiness) => {
    const offsets = arrivalOffsetsMs(20001, 50, burstiness, 'seed')
    expect(offsets).toEqual(arrivalOffsetsMs(20001, 50, burstiness, 'seed')) // deterministic
    const gaps = offsets.slice(1).map((t, i) => t - offsets[i]!)
    const mean = gaps.reduce((a, b) => a + b, 0) / gaps.length
    const sd = Math.sqrt(gaps.reduce((a, g) => a + (g - mean) ** 2, 0) / gaps.length)
    expect(offsets[0]).toBe(0)
    expect(mean).toBeGreaterThan(20 * 0.97)
    expect(mean).toBeLessThan(20 * 1.03)
    expect(sd / mean).toBeGreaterThan((1 / Math.sqrt(burstiness)) * 0.95)
    expect(sd / mean).toBeLessThan((1 / Math.sqrt(burstiness)) * 1.05)
  })
  it('rate Infinity sends everything at 0', () => {
    expect(arrivalOffsetsMs(5, Infinity)).toEqual([0, 0, 0, 0, 0])
  })
})

describe('runWorkload', () => {
  it('open loop: records the scheduled arrival of each request', async () => {
    server = await startFakeVllm({ prefillMs: 1, tokenMs: 1 })
    const spec: WorkloadSpec = { ...base, requests: 12, seed: 3, arrival: { ratePerS: 200, burstiness: 1 } }
    const run = await runWorkload({ baseUrl: server.url, model: 'm' }, spec)
    const offsets = arrivalOffsetsMs(12, 200, 1, '3:w')
    expect(run.records.map((r) => r.scheduledAtMs - run.startedAtMs)).toEqual(offsets.map((o) => expect.closeTo(o, 6)))
    expect(run.records.every((r) => r.sentAtMs >= r.scheduledAtMs && r.failure === undefined)).toBe(true)
  })

  it('excludes warm-ups from every statistic and runs them before the clock', async () => {
    server = await startFakeVllm()
    const run = await runWorkload({ baseUrl: server.url, model: 'm' }, { ...base, warmupRequests: 3, concurrency: 2 })
    const warm = run.records.filter((r) => r.warmup)
    expect(warm.map((r) => r.index)).toEqual([0, 1, 2])
    expect(warm.every((r) => r.endAtMs <= run.startedAtMs)).toBe(true)
    const m = summarize(run)
    expect(m.requests.total).toBe(4)
    expect(m.ttftMs.count).toBe(4)
    expect(m.outputTokens).toBe(12)
  })

  it('stops issuing at durationS (in-flight requests finish)', async () => {
    server = await startFakeVllm({ prefillMs: 40 })
    const run = await runWorkload({ baseUrl: server.url, model: 'm' }, { ...base, requests: 1000, concurrency: 2, durationS: 0.15 })
    expect(run.records.length).toBeGreaterThan(0)
    expect(run.records.length).toBeLessThan(1000)
    expect(run.records.every((r) => r.scheduledAtMs < run.startedAtMs + 150 && r.failure === undefined)).toBe(true)
  })

  it('max concurrency caps in-flight requests; the slot wait is reported apart from TTFT', async () => {
    server = await startFakeVllm({ prefillMs: 30, tokenMs: 1 })
    const run = await runWorkload({ baseUrl: server.url, model: 'm' }, { ...base, requests: 6, arrival: { ratePerS: Infinity, maxConcurrency: 2 } })
    expect(server.inFlightMax).toBe(2)
    expect(run.connections).toBe(2)
    const m = summarize(run)
    // Requests 3..6 could only be sent after an earlier one finished (≥ 30 ms prefill each).
    const waited = run.records.filter((r) => r.sentAtMs - r.scheduledAtMs >= 30)
    expect(waited.length).toBeGreaterThanOrEqual(4)
    expect(m.queueWaitMs.count).toBe(6)
    expect(m.queueWaitMs.maxMs).toBeGreaterThanOrEqual(60)
    // TTFT starts at sentAtMs: it holds the server's prefill, not the slot wait.
    for (const r of run.records) expect(r.contentChunkAtMs[0]! - r.sentAtMs).toBeLessThan(r.contentChunkAtMs[0]! - r.scheduledAtMs)
  })

  it('abort records every unfinished request as aborted', async () => {
    server = await startFakeVllm({ prefillMs: 200 })
    const controller = new AbortController()
    setTimeout(() => controller.abort(), 60)
    const run = await runWorkload({ baseUrl: server.url, model: 'm' }, { ...base, requests: 10, concurrency: 3 }, { signal: controller.signal })
    expect(run.records).toHaveLength(10)
    expect(run.records.every((r) => r.failure?.reason === 'aborted')).toBe(true)
    expect(summarize(run).requests.failuresByReason).toEqual({ aborted: 10 })
  })

  it('rejects invalid workloads up front naming source, workload, field and value', () => {
    const bad = (spec: unknown, message: RegExp) => {
      let error: unknown
      try {
        validateWorkload(spec as WorkloadSpec, 'suite.bench.ts')
      } catch (e) {
        error = e
      }
      expect(hasCode(error, 'MLNB_CONFIG')).toBe(true)
      expect((error as Error).message).toMatch(message)
    }
    bad({ ...base, requests: 0 }, /^suite\.bench\.ts: workload "w": requests = 0 must be an integer ≥ 1/)
    bad({ ...base, arrival: { ratePerS: -1 } }, /arrival\.ratePerS = -1/)
    bad({ ...base, arrival: { ratePerS: 5 }, concurrency: 3 }, /use arrival\.maxConcurrency/)
    bad({ ...base, prompt: { tokens: 10, chars: 5, count: 1 } }, /exactly one of tokens, file, chars/)
    bad({ ...base, prompt: { tokens: 10, sharedPrefixTokens: 10 } }, /sharedPrefixTokens = 10 must be < prompt\.tokens/)
    bad({ ...base, endpoint: 'embeddings' }, /endpoint = "embeddings"/)
  })
})
