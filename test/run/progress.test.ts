import { describe, expect, it } from 'vitest'
import type { RequestRecord } from '../../src/contracts/records.js'
import { progressIntervalS, startProgress } from '../../src/run/progress.js'

const record = (completionTokens: number, failed = false): RequestRecord => ({
  index: 0, warmup: false, scheduledAtMs: 0, sentAtMs: 0, contentChunkAtMs: [], endAtMs: 0, promptTokens: 10, completionTokens, tokensEstimated: false,
  ...(failed ? { failure: { reason: 'http_status' as const, message: 'HTTP 500' } } : {}),
})

describe('workload progress (fake clock)', () => {
  it('prints a line per interval with done/total, failures, throughput, elapsed and ETA', () => {
    let nowMs = 0
    const lines: string[] = []
    const p = startProgress({ label: '[m tp4] chat', total: 100, intervalS: 10, print: (l) => lines.push(l), now: () => nowMs })
    for (let i = 0; i < 25; i++) p.done(record(200, i === 3))
    nowMs = 9_000
    p.tick()
    expect(lines).toEqual([]) // not yet 10 s
    nowMs = 30_000
    p.tick()
    p.stop()
    // 24 ok × 200 tokens over 30 s; 25 of 100 in 30 s → 90 s left.
    expect(lines).toEqual(['[m tp4] chat: 25/100 requests done, 1 failed, 160.0 out tok/s, 30 s elapsed, ETA 90 s'])
  })

  it('is off with interval 0, and the interval comes from MLNODE_BENCH_PROGRESS_S', () => {
    const lines: string[] = []
    let nowMs = 0
    const p = startProgress({ label: 'x', total: 1, intervalS: 0, print: (l) => lines.push(l), now: () => nowMs })
    nowMs = 1e9
    p.tick()
    p.stop()
    expect(lines).toEqual([])
    expect(progressIntervalS({ MLNODE_BENCH_PROGRESS_S: '0' })).toBe(0)
    expect(progressIntervalS({ MLNODE_BENCH_PROGRESS_S: '30' })).toBe(30)
    expect(progressIntervalS({ MLNODE_BENCH_PROGRESS_S: 'soon' })).toBe(10)
    expect(progressIntervalS({})).toBe(10)
  })
})
