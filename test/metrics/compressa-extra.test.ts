import { describe, expect, it } from 'vitest'
import { compressaMetricsOf, type CompressaMeasurement } from '../../src/metrics/compressa.js'

const ok = (startS: number, endS: number, ttftS: number, nInput = 10, nOutput = 5): CompressaMeasurement => ({ startS, endS, ttftS, nInput, nOutput, ok: true })
const failed = (startS: number, endS: number): CompressaMeasurement => ({ startS, endS, ttftS: 0, nInput: 0, nOutput: 0, ok: false })

describe('compressa-perf 0.2.5 metrics added for compatibility', () => {
  it('THROUGHPUT counts input and output tokens over the span of the successes', () => {
    const m = compressaMetricsOf([ok(0, 2, 0.1, 100, 20), ok(1, 4, 0.2, 50, 30), failed(0, 10)])
    expect(m.THROUGHPUT).toBeCloseTo((150 + 50) / 4, 12)
    expect(m.THROUGHPUT).toBeCloseTo(m.THROUGHPUT_INPUT_TOKENS + m.THROUGHPUT_OUTPUT_TOKENS, 12)
  })

  it('TOP_5 figures average the slice from floor(0.95 n), as compressa-perf slices', () => {
    // 40 successes: the slice is indices 38 and 39 of the sorted values.
    const ms = Array.from({ length: 40 }, (_, i) => ok(0, i + 1, (i + 1) / 100))
    const m = compressaMetricsOf(ms)
    expect(m.TOP_5_LATENCY).toBeCloseTo((39 + 40) / 2, 12)
    expect(m.TOP_5_TTFT).toBeCloseTo((0.39 + 0.4) / 2, 12)
    // 3 successes: floor(2.85) = 2, the slowest one alone.
    expect(compressaMetricsOf([ok(0, 1, 0.3), ok(0, 3, 0.1), ok(0, 2, 0.2)]).TOP_5_LATENCY).toBe(3)
  })

  it('LONGER_THAN_* count successes strictly above 60/120/180 s; failures never count', () => {
    const m = compressaMetricsOf([ok(0, 60, 1), ok(0, 61, 1), ok(0, 121, 1), ok(0, 200, 1), failed(0, 500)])
    expect([m.LONGER_THAN_60_LATENCY, m.LONGER_THAN_120_LATENCY, m.LONGER_THAN_180_LATENCY]).toEqual([3, 2, 1])
  })

  it('FAILED_REQUESTS_PER_HOUR divides by the span of ALL requests, in hours', () => {
    const m = compressaMetricsOf([ok(0, 10, 1), failed(100, 1800), failed(200, 300)])
    expect(m.FAILED_REQUESTS).toBe(2)
    expect(m.FAILED_REQUESTS_PER_HOUR).toBeCloseTo(2 / 0.5, 12)
  })

  it('all zero but the failure counts when nothing succeeded', () => {
    const m = compressaMetricsOf([failed(0, 3600)])
    expect(m).toMatchObject({ THROUGHPUT: 0, TOP_5_TTFT: 0, TOP_5_LATENCY: 0, LONGER_THAN_60_LATENCY: 0, FAILED_REQUESTS: 1, FAILED_REQUESTS_PER_HOUR: 1 })
  })
})
