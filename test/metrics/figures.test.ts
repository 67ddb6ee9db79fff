import { describe, expect, it } from 'vitest'
import { FIGURES, figure, isFigureKey } from '../../src/contracts/figures.js'
import { METRIC_DEFS } from '../../src/report/metric-defs.js'
import { summarize } from '../../src/metrics/index.js'
import type { RequestRecord } from '../../src/contracts/records.js'

describe('the metric registry', () => {
  it('names each figure once, with a key that ends in its unit', () => {
    const keys = FIGURES.map((f) => f.key)
    expect(new Set(keys).size).toBe(keys.length)
    const suffix: Record<string, string> = { ms: '_ms', 'tok/s': '_per_s', 'req/s': '_per_s', req: 'requests_failed' }
    for (const f of FIGURES) expect(f.key.endsWith(suffix[f.unit]!) || f.key === suffix[f.unit], f.key).toBe(true)
    expect(isFigureKey('ttft_mean_ms')).toBe(true)
    expect(isFigureKey('ttft_mean')).toBe(false)
  })

  it('gives the gate its labels and units', () => {
    const ttft = METRIC_DEFS.find((d) => d.id === 'ttftMs')!
    expect([ttft.label, ttft.unit]).toEqual([figure('ttft_p50_ms').label, 'ms'])
  })

  it('reads its figures from measured metrics, none from an empty distribution', () => {
    const ok: RequestRecord = { index: 0, warmup: false, scheduledAtMs: 0, sentAtMs: 0, firstChunkAtMs: 100, contentChunkAtMs: [100, 600, 1100], endAtMs: 1100, promptTokens: 10, completionTokens: 3, tokensEstimated: false }
    const metrics = summarize({ records: [ok], startedAtMs: 0, endedAtMs: 2000 })
    expect(figure('output_tokens_per_s').value(metrics)).toBeCloseTo(1.5, 6)
    const none = summarize({ records: [], startedAtMs: 0, endedAtMs: 1000 })
    expect(figure('ttft_mean_ms').value(none)).toBeUndefined()
  })
})
