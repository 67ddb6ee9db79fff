import { describe, expect, it } from 'vitest'
import type { RequestRecord } from '../../src/metrics/types.js'
import { toWallClockSpec } from '../../src/vitest/measure.js'
import { toSimulatedTime } from '../../src/vitest/simulated-time.js'

const record = (over: Partial<RequestRecord> = {}): RequestRecord => ({
  index: 0,
  warmup: false,
  scheduledAtMs: 100,
  sentAtMs: 101,
  firstByteAtMs: 111,
  firstChunkAtMs: 111,
  contentChunkAtMs: [111, 113, 116],
  endAtMs: 117,
  promptTokens: 10,
  completionTokens: 3,
  tokensEstimated: false,
  ...over,
})

describe('toSimulatedTime', () => {
  it('is the identity at speed 1', () => {
    expect(toSimulatedTime([record()], 1)).toEqual([record()])
  })

  it('scales every interval by the speed when no transport time is given', () => {
    const [r] = toSimulatedTime([record()], 10)
    expect(r!.sentAtMs).toBe(1010)
    expect(r!.firstChunkAtMs! - r!.sentAtMs).toBe(100)
    expect(r!.contentChunkAtMs.map((t) => t - r!.sentAtMs)).toEqual([100, 120, 150])
    expect(r!.scheduledAtMs).toBe(1000)
  })

  it('keeps the transport time ε unscaled and scales the rest: TTFT 10 ms measured, ε 1 ms, K 10 → 91 ms', () => {
    const [r] = toSimulatedTime([record()], 10, 1)
    expect(r!.firstChunkAtMs! - r!.sentAtMs).toBeCloseTo(1 + 9 * 10, 9)
    // Gaps between chunks carry no transport: they scale exactly.
    expect(r!.contentChunkAtMs[1]! - r!.contentChunkAtMs[0]!).toBeCloseTo(20, 9)
    expect(r!.endAtMs - r!.contentChunkAtMs[2]!).toBeCloseTo(10, 9)
  })

  it('never maps a time inside the transport window beyond it', () => {
    const [r] = toSimulatedTime([record({ firstByteAtMs: 101.5 })], 10, 1)
    expect(r!.firstByteAtMs! - r!.sentAtMs).toBeCloseTo(0.5, 9)
  })
})

describe('toWallClockSpec', () => {
  const spec = { name: 'w', requests: 10, prompt: { tokens: 10 }, maxTokens: 5, arrival: { ratePerS: 2 }, durationS: 60, requestTimeoutS: 30 }
  it('raises rates and shrinks durations by the speed, so the simulator sees the spec in its own time', () => {
    const wall = toWallClockSpec(spec, 10)
    expect(wall.arrival!.ratePerS).toBe(20)
    expect(wall.durationS).toBe(6)
    expect(wall.requestTimeoutS).toBe(3)
    expect(wall.idleTimeoutS).toBeUndefined()
    expect(spec.arrival.ratePerS).toBe(2)
  })
  it('is the same spec against a real server', () => {
    expect(toWallClockSpec(spec, 1)).toBe(spec)
  })
})
