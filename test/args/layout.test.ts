import { describe, expect, it } from 'vitest'
import { hasCode } from '../../src/errors.js'
import { assertLayout, computeLayout, layoutProblems } from '../../src/args/index.js'

// QwQ-32B: 40 attention heads, 64 layers (docs/mlnode.md "Host workflow" example on 8 GPUs).
const QWQ = { attentionHeads: 40, layers: 64, id: 'Qwen/QwQ-32B' }

describe('computeLayout', () => {
  it.each([
    // gpuCount, tp, pp → gpusPerInstance, instances, idleGpus
    [8, 8, 1, 8, 1, 0],
    [8, 4, 2, 8, 1, 0],
    [8, 2, 4, 8, 1, 0],
    [8, 1, 8, 8, 1, 0],
    [8, 4, 1, 4, 2, 0],
    [8, 3, 1, 3, 2, 2],
    [7, 2, 2, 4, 1, 3],
    [8, 16, 1, 16, 0, 8],
    [256, 1, 1, 1, 128, 128],
  ])('%i GPUs tp=%i pp=%i', (gpuCount, tp, pp, gpusPerInstance, instances, idleGpus) => {
    expect(computeLayout({ gpuCount, tp, pp })).toEqual({ gpuCount, tp, pp, gpusPerInstance, instances, idleGpus })
  })

  it('honours a custom instance cap', () => {
    expect(computeLayout({ gpuCount: 8, tp: 1, pp: 1, instanceCap: 3 })).toMatchObject({ instances: 3, idleGpus: 5 })
  })
})

describe('layoutProblems / assertLayout', () => {
  it.each([
    [8, 1],
    [4, 2],
    [2, 4],
    [1, 8],
  ])('QwQ-32B tp=%i pp=%i fits 8 GPUs (40 heads, 64 layers)', (tp, pp) => {
    expect(layoutProblems({ gpuCount: 8, tp, pp, model: QWQ })).toEqual([])
    expect(assertLayout({ gpuCount: 8, tp, pp, model: QWQ }).instances).toBe(1)
  })

  it.each<[string, { gpuCount: number; tp: number; pp: number }, RegExp]>([
    ['TP*PP > GPUs', { gpuCount: 8, tp: 8, pp: 2 }, /needs TP\*PP = 16 GPUs per instance but the server has 8/],
    ['TP not dividing heads', { gpuCount: 8, tp: 3, pp: 1 }, /TP 3 does not divide the 40 attention heads/],
    ['PP > layers', { gpuCount: 128, tp: 1, pp: 65 }, /PP 65 exceeds the 64 layers/],
    ['non-integer TP', { gpuCount: 8, tp: 1.5, pp: 1 }, /TP must be a positive integer/],
  ])('%s', (_, input, pattern) => {
    expect(layoutProblems({ ...input, model: QWQ }).join('\n')).toMatch(pattern)
  })

  it('lists all problems in one MLNB_LAYOUT error', () => {
    let caught: unknown
    try {
      assertLayout({ gpuCount: 8, tp: 16, pp: 128, model: QWQ })
    } catch (error) {
      caught = error
    }
    expect(hasCode(caught, 'MLNB_LAYOUT')).toBe(true)
    const message = (caught as Error).message
    expect(message).toContain('tp=16 pp=128 of Qwen/QwQ-32B')
    expect(message).toMatch(/GPUs per instance/)
    expect(message).toMatch(/does not divide/)
    expect(message).toMatch(/exceeds the 64 layers/)
  })
})
