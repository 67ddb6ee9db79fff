import { describe, expect, it } from 'vitest'
import { fisherExactGreater, mannWhitneyU, normalCdf, type ValueCounts } from '../../src/report/significance.js'

const counts = (values: number[]): ValueCounts => {
  const m = new Map<number, number>()
  for (const v of values) m.set(v, (m.get(v) ?? 0) + 1)
  return [...m].sort((a, b) => a[0] - b[0])
}

describe('mannWhitneyU', () => {
  it('matches a textbook value (no ties): U and the normal-approximation p', () => {
    // x = 1..10, y = 6.5…10.5, 11…15: U_y = 6+7+8+9+10 + 5·10 = 90 (pairs y > x), σ = √175.
    const r = mannWhitneyU(counts([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]), counts([6.5, 7.5, 8.5, 9.5, 10.5, 11, 12, 13, 14, 15]))
    expect(r.n1).toBe(10)
    expect(r.u2).toBe(90)
    const z = (90 - 50 - 0.5) / Math.sqrt((10 * 10 * 21) / 12)
    expect(r.pGreater).toBeCloseTo(1 - normalCdf(z), 10)
    expect(r.pLess).toBeGreaterThan(0.99)
  })

  it('handles ties with mid-ranks (identical samples → no evidence)', () => {
    const r = mannWhitneyU(counts([5, 5, 5, 6, 6]), counts([5, 5, 5, 6, 6]))
    expect(r.probabilityOfSuperiority).toBe(0.5)
    expect(r.pGreater).toBeGreaterThan(0.4)
    expect(r.pLess).toBeGreaterThan(0.4)
  })

  it('returns p = 1 for empty or all-tied groups', () => {
    expect(mannWhitneyU([], counts([1, 2])).pGreater).toBe(1)
    expect(mannWhitneyU(counts([3, 3]), counts([3, 3, 3])).pLess).toBe(1)
  })
})

describe('fisherExactGreater', () => {
  it('matches the exact hypergeometric tail (R: fisher.test(matrix(c(0,10,5,5),2), alternative="less"))', () => {
    // base 0/10 failed, next 5/10 failed: P(X ≥ 5) = C(5,5)C(15,5)/C(20,10) = 3003/184756.
    expect(fisherExactGreater(0, 10, 5, 10)).toBeCloseTo(3003 / 184756, 10)
  })
  it('is 1 when nothing rose and for empty groups', () => {
    expect(fisherExactGreater(3, 10, 0, 10)).toBeCloseTo(1, 10)
    expect(fisherExactGreater(0, 0, 1, 1)).toBe(1)
  })
})

describe('normalCdf', () => {
  it('agrees with known quantiles', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 7)
    expect(normalCdf(1.959963985)).toBeCloseTo(0.975, 6)
    expect(normalCdf(-2.326347874)).toBeCloseTo(0.01, 6)
  })
})
