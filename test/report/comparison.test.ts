import { describe, expect, it } from 'vitest'
import { modelVerdict, pickVariant, renderComparison } from '../../src/report/comparison.js'
import type { BenchResult, TargetInfo } from '../../src/contracts/results.js'
import { passedResult } from '../fixtures/reporters-shared/make-results.js'

const deterministic: TargetInfo = { kind: 'simulated', hardware: '8xh100', simulatedTime: true }
const real: TargetInfo = { kind: 'mlnode', hardware: '8x NVIDIA H100' }
/** A result whose latencies are `scale` times the fixture's (throughputs follow E2EL). */
const at = (variant: string, workload: string, scale: number, target: TargetInfo): BenchResult => passedResult('m', variant, workload, { seed: 1, scale, target })

describe('near ties and the per-model verdict', () => {
  it('names a winner only beyond the tolerance: a 1 % lead on the deterministic simulator is a near tie', () => {
    const tie = pickVariant([at('a', 'w', 1, deterministic), at('b', 'w', 1.01, deterministic)])
    expect(tie.kind).toBe('tie')
    const win = pickVariant([at('a', 'w', 1, deterministic), at('b', 'w', 1.2, deterministic)])
    expect(win).toMatchObject({ kind: 'winner', best: { variant: 'a' }, runnerUp: { variant: 'b' } })
  })

  it('needs more than the unknown-noise tolerance against a real server (one run, noise unknown)', () => {
    expect(pickVariant([at('a', 'w', 1, real), at('b', 'w', 1.05, real)]).kind).toBe('tie')
    expect(pickVariant([at('a', 'w', 1, real), at('b', 'w', 1.5, real)]).kind).toBe('winner')
  })

  it('says so in the table and gives one verdict per model', () => {
    const rows = [at('a', 'w1', 1, deterministic), at('b', 'w1', 1.3, deterministic), at('a', 'w2', 1, deterministic), at('b', 'w2', 1.01, deterministic)]
    const text = renderComparison(rows)
    expect(text).toMatch(/Recommendation: a — .*vs b/)
    expect(text).toMatch(/Near tie: a leads b by \+\d\.\d %/)
    expect(text).toContain('Verdict for m: a — best in 1 of 2 workloads; near tie in 1 (w2).')
    const byWorkload = new Map([['w1', rows.slice(0, 2)], ['w2', [at('a', 'w2', 1, deterministic), at('b', 'w2', 1.3, deterministic)]]])
    expect(modelVerdict('m', byWorkload)).toBe('Verdict for m: a — best in every workload (2).')
  })
})
