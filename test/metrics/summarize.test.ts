import { describe, expect, it } from 'vitest'
import {
  compressaMetrics,
  decodeHistogram,
  encodeHistogram,
  histogramFromMs,
  mergeHistograms,
  percentileLinear,
  summarize,
  summarizeValues,
  summaryFromHistogram,
  type RequestRecord,
} from '../../src/metrics/index.js'

function rec(partial: Partial<RequestRecord> & Pick<RequestRecord, 'index'>): RequestRecord {
  return { warmup: false, scheduledAtMs: 0, sentAtMs: 0, contentChunkAtMs: [], endAtMs: 0, promptTokens: 0, completionTokens: 0, tokensEstimated: false, ...partial }
}

// Two good requests, one failure, one warm-up (hand-checked numbers below).
const records: RequestRecord[] = [
  rec({ index: 0, warmup: true, sentAtMs: -50, firstChunkAtMs: -40, contentChunkAtMs: [-40, -30], endAtMs: -29, promptTokens: 999, completionTokens: 999 }),
  rec({ index: 1, scheduledAtMs: 0, sentAtMs: 0, firstChunkAtMs: 90, contentChunkAtMs: [100, 110, 130], endAtMs: 131, promptTokens: 10, completionTokens: 3 }),
  rec({ index: 2, scheduledAtMs: 0, sentAtMs: 20, firstChunkAtMs: 220, contentChunkAtMs: [220, 260], endAtMs: 265, promptTokens: 20, completionTokens: 2 }),
  rec({ index: 3, scheduledAtMs: 0, sentAtMs: 5, endAtMs: 40, failure: { reason: 'http_status', status: 503, message: 'x' } }),
]

describe('summarize (vLLM bench definitions)', () => {
  const m = summarize({ records, startedAtMs: 0, endedAtMs: 300 }, { slo: { ttftMs: 150 } })
  it('counts requests and failures by reason, excluding warm-ups', () => {
    expect(m.requests).toEqual({ total: 3, completed: 2, failed: 1, failuresByReason: { http_status: 1 } })
  })
  it('computes TTFT, E2EL, ITL and TPOT from content chunks', () => {
    // TTFT: 100−0, 220−20; E2EL: 130−0, 260−20; ITL: 10, 20, 40; TPOT: (130−100)/2, (240−200)/1
    expect(m.ttftMs).toMatchObject({ count: 2, meanMs: 150, minMs: 100, maxMs: 200, medianMs: 150, stdMs: 50 })
    expect(m.e2elMs).toMatchObject({ count: 2, meanMs: 185 })
    expect(m.itlMs).toMatchObject({ count: 3, minMs: 10, maxMs: 40, medianMs: 20 })
    expect(m.tpotMs).toMatchObject({ count: 2, minMs: 15, maxMs: 40 })
  })
  it('derives throughputs and goodput from T = start → end', () => {
    expect(m.durationS).toBe(0.3)
    expect(m.inputTokens).toBe(30)
    expect(m.outputTokens).toBe(5)
    expect(m.requestsPerS).toBeCloseTo(2 / 0.3, 10)
    expect(m.outputTokensPerS).toBeCloseTo(5 / 0.3, 10)
    expect(m.totalTokensPerS).toBeCloseTo(35 / 0.3, 10)
    expect(m.goodputRequestsPerS).toBeCloseTo(1 / 0.3, 10) // only request 1 has TTFT ≤ 150
    expect(m.queueWaitMs).toMatchObject({ count: 3, maxMs: 20 })
  })
  it('reports compressa-perf names with its formulas (seconds)', () => {
    const c = m.compressa
    expect(c.TTFT).toBeCloseTo((0.09 + 0.2) / 2, 12) // role chunk counts: 90−0, 220−20
    expect(c.LATENCY).toBeCloseTo((0.131 + 0.245) / 2, 12)
    expect(c.TPOT).toBeCloseTo((0.131 + 0.245) / 5, 12)
    expect(c.RPS).toBeCloseTo(2 / 0.265, 12) // span = max(end) − min(start) over successes
    expect(c.THROUGHPUT_INPUT_TOKENS).toBeCloseTo(30 / 0.265, 12)
    expect(c.THROUGHPUT_OUTPUT_TOKENS).toBeCloseTo(5 / 0.265, 12)
    expect(c.TTFT_95).toBeCloseTo(0.09 + 0.95 * (0.2 - 0.09), 12)
    expect(c.LATENCY_95).toBeCloseTo(0.131 + 0.95 * (0.245 - 0.131), 12)
    expect(c.FAILED_REQUESTS).toBe(1)
  })
  it('gives zeros, not NaN, when nothing succeeded', () => {
    const empty = summarize({ records: [records[3]!] })
    expect(empty.ttftMs.count).toBe(0)
    expect(empty.requestsPerS).toBe(0)
    expect(compressaMetrics([records[3]!])).toMatchObject({ TTFT: 0, RPS: 0, FAILED_REQUESTS: 1 })
    expect(Object.values(empty.compressa).every(Number.isFinite)).toBe(true)
  })
})

describe('percentiles and histograms', () => {
  it('percentileLinear matches numpy linear interpolation', () => {
    expect(percentileLinear([1, 2, 3, 4], 50)).toBe(2.5)
    expect(percentileLinear([1, 2, 3, 4], 90)).toBeCloseTo(3.7, 12)
    expect(percentileLinear([5], 99)).toBe(5)
  })
  it('round-trips and merges encoded histograms at µs resolution', () => {
    const a = Array.from({ length: 1000 }, (_, i) => 1 + i * 0.5)
    const b = Array.from({ length: 500 }, (_, i) => 200 + i)
    const ea = encodeHistogram(histogramFromMs(a))
    expect(decodeHistogram(ea).totalCount).toBe(1000)
    const merged = summaryFromHistogram(mergeHistograms([ea, summarizeValues(b).histogram]))
    const exact = summarizeValues([...a, ...b])
    expect(merged.count).toBe(1500)
    for (const key of ['meanMs', 'medianMs', 'p90Ms', 'p99Ms', 'maxMs'] as const)
      expect(Math.abs(merged[key] - exact[key]) / exact[key]).toBeLessThan(0.002)
    expect(summaryFromHistogram(mergeHistograms([])).count).toBe(0)
  })
})
