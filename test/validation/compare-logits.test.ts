/**
 * The Go test vectors of gonka-ai/gonka decentralized-api/internal/validation, replayed on the
 * TypeScript port. Each `it` names the Go test it reproduces (validation_test.go and the
 * CompareLogits / customDistance / positionDistance tests of the same folder).
 */
import { describe, expect, it } from 'vitest'
import { compareLogits, customDistance, customSimilarity, LEGACY_SIMILARITY_THRESHOLD, positionDistance, reportedValue, similarityPassesThreshold, type PositionLogprobs, type TopLogprob } from '../../src/validation/compare-logits.js'

const tl = (token: string, logprob: number): TopLogprob => ({ token, logprob })
const lp = (token: string, ...top: TopLogprob[]): PositionLogprobs => ({ token, logprob: top.find((t) => t.token === token)?.logprob ?? 0, top_logprobs: top })

describe('CompareLogits (Go vectors)', () => {
  it('TestCompareLogitsMatching: identical logprobs pass (similarity 1 > 0.99)', () => {
    const logits = [lp('hello', tl('hello', -0.1), tl('hi', -2.0)), lp('world', tl('world', -0.2), tl('earth', -3.0))]
    const outcome = compareLogits(logits, logits)
    expect(outcome).toEqual({ kind: 'similarity', value: 1 })
    expect(similarityPassesThreshold(reportedValue(outcome), LEGACY_SIMILARITY_THRESHOLD)).toBe(true)
  })

  it('TestCompareLogitsDifferentTokens / TestCompareLogitsRejectsDifferentTokens: a different token fails', () => {
    const outcome = compareLogits([lp('hello', tl('hello', -0.1))], [lp('goodbye', tl('goodbye', -0.5))])
    expect(outcome).toEqual({ kind: 'different-tokens', position: 0, originalToken: 'hello', validationToken: 'goodbye' })
    expect(reportedValue(outcome)).toBe(0)
  })

  it('TestCompareLogitsRejectsShorterValidation: a shorter validation fails before any distance math', () => {
    const outcome = compareLogits([lp('a', tl('a', -1)), lp('b', tl('b', -1))], [lp('a', tl('a', -1))])
    expect(outcome.kind).toBe('different-length')
  })

  it('a longer validation is compared on the original positions only', () => {
    const original = [lp('a', tl('a', -1))]
    expect(compareLogits(original, [...original, lp('z', tl('z', -1))])).toEqual({ kind: 'similarity', value: 1 })
  })

  it('TestCustomDistanceEmptyOriginalIsZeroDistance', () => {
    expect(customDistance([], [lp('x', tl('a', -1))])).toBe(0)
  })

  it('TestCustomDistanceEmptyPositionTopLogprobsErrors and TestCompareLogitsScoresZeroWhenDistanceErrors', () => {
    expect(() => customDistance([lp('x', tl('a', -1))], [lp('x')])).toThrow('empty logprobs provided')
    const outcome = compareLogits([lp('x', tl('a', -1))], [lp('x')])
    expect(outcome).toEqual({ kind: 'similarity', value: 0 })
    expect(similarityPassesThreshold(0, LEGACY_SIMILARITY_THRESHOLD)).toBe(false)
  })

  it('TestCustomDistanceExecutorNarrowerThanValidator: tokens the original never listed still contribute', () => {
    expect(customDistance([lp('x', tl('a', -1))], [lp('x', tl('a', -1), tl('b', -2), tl('c', -3))])).toBeGreaterThan(0)
  })

  it('TestCustomDistanceDuplicateExecutorTokensCannotLowerDistance: collapsed duplicates score worse', () => {
    const validator = [lp('x', tl('a', -1), tl('z', -5))]
    const distinct = customDistance([lp('x', tl('a', -1), tl('b', -2))], validator)
    const duplicated = customDistance([lp('x', tl('a', -1), tl('a', -1))], validator)
    // By hand: distinct extrapolates z at -3 → |−5+3|/8/2 = 0.125 over 100·2; duplicated at +99 → 0.5 over 100·2.
    expect(distinct).toBeCloseTo(0.125 / 200, 9)
    expect(duplicated).toBeCloseTo(0.5 / 200, 9)
    expect(duplicated).toBeGreaterThan(distinct)
  })

  it('TestCompareLogitsUnderNormalizesShortOutputs: max(100, n) dilutes short answers', () => {
    const garbage = (positions: number) => {
      const original = Array.from({ length: positions }, () => lp('t', tl('a', -30), tl('b', -31)))
      const validation = Array.from({ length: positions }, () => lp('t', tl('a', -1), tl('b', -2)))
      return reportedValue(compareLogits(original, validation))
    }
    const short = garbage(10)
    const long = garbage(100)
    expect(short).toBeGreaterThan(long)
    expect(similarityPassesThreshold(short, 0.94)).toBe(true)
    expect(similarityPassesThreshold(long, 0.94)).toBe(false)
    // By hand: per position 29/31/2 + 29/33/2; 100 positions over 100·2.
    expect(long).toBeCloseTo(1 - (29 / 31 / 2 + 29 / 33 / 2) / 2, 5)
  })

  it('TestPositionDistanceBoundedForAdversarialExecutorLogprobs: every term stays within [0, 0.5] per token', () => {
    const validator = [tl('a', -0.1), tl('b', -0.2), tl('c', -0.3)]
    for (const executor of [[tl('a', -1e308), tl('b', -0.2), tl('c', -0.3)], [tl('a', 1e308), tl('b', -0.2), tl('c', -0.3)], [tl('m', -1e308)], [tl('a', 1e308), tl('m', -1e308)]]) {
      const d = positionDistance(executor, validator)
      expect(Number.isFinite(d)).toBe(true)
      expect(d).toBeGreaterThanOrEqual(0)
      expect(d).toBeLessThanOrEqual(0.5 * validator.length)
    }
  })

  it('the width k is the original first position width (this revision; see docs/validation-check.md §1)', () => {
    // TestCompareLogitsPaddingCannotRescueGarbage pins a later fix: in the revision ported here the
    // original's width divides the distance, so padding the original lowers it. Pinned so a port of
    // the fix shows up here.
    const validation = Array.from({ length: 100 }, () => lp('t', tl('a', -1), tl('b', -2)))
    const narrow = Array.from({ length: 100 }, () => lp('t', tl('a', -30), tl('b', -31)))
    const padded = Array.from({ length: 100 }, () => lp('t', tl('a', -30), tl('b', -31), ...Array.from({ length: 10 }, (_, j) => tl(`pad${j}`, -50))))
    expect(customSimilarity(padded, validation)).toBeGreaterThan(customSimilarity(narrow, validation))
  })

  it('TestCustomDistanceIsWidthIndependent holds when both sides have one width (the pinned 5)', () => {
    const original = Array.from({ length: 100 }, (_, i) => lp('t', ...Array.from({ length: 5 }, (__, j) => tl(`p${i}_t${j}`, -3))))
    const validation = Array.from({ length: 100 }, (_, i) => lp('t', ...Array.from({ length: 5 }, (__, j) => tl(`p${i}_t${j}`, -1))))
    // Every term is |−1−(−3)| / (1e-6 + 1 + 3) / 2 ≈ 0.25.
    expect(customDistance(original, validation)).toBeCloseTo(0.25, 3)
  })

  it('SimilarityPassesThreshold is strict (the chain: msg.Value > passValue)', () => {
    expect(similarityPassesThreshold(0.9, 0.9)).toBe(false)
    expect(similarityPassesThreshold(0.9000001, 0.9)).toBe(true)
  })
})
