import { describe, expect, it } from 'vitest'
import { getHardwareProfile, getModelSpec } from '../../src/model/index.js'
import { fitConstants, leaveOneOut, pointError, predictPoint, type MeasuredPoint } from '../../src/planner/fit.js'

// Points "measured" on a box whose true constants differ from the defaults: the fit must find them.
const TRUTH = { mbuWeights: 0.62, mfuLinear: 0.42, stepOverheadS: 2.5e-3, requestOverheadS: 20e-3 }
const hardware = getHardwareProfile('1xrtx-4090')
const model = getModelSpec('Qwen/Qwen2.5-7B-Instruct')
const box = { hardware, model, dtype: 'float16' }
const SHAPES: Array<[args: string, prompt: number, out: number, concurrency: number]> = [
  ['--quantization fp8', 1500, 40, 1],
  ['', 1500, 40, 1],
  ['--quantization fp8', 300, 60, 6],
  ['', 3000, 20, 2],
]

function synthetic(shapes = SHAPES): MeasuredPoint[] {
  return shapes.map(([args, prompt, out, concurrency], i) => {
    const point: MeasuredPoint = { label: `p${i}`, args, workload: { promptTokens: prompt, maxTokens: out, requests: 8, concurrency }, measured: {} }
    const f = predictPoint(box, point, TRUTH)
    point.measured = { ttft_mean_ms: f.ttft_mean_ms, tpot_mean_ms: f.tpot_mean_ms, output_tokens_per_s: f.output_tokens_per_s }
    return point
  })
}

describe('calibrate fit', () => {
  it('recovers known constants from points predicted with them', () => {
    const points = synthetic()
    const fit = fitConstants({ ...box, points, fitRequests: 8 })
    expect(fit.constants.mbuWeights).toBeCloseTo(TRUTH.mbuWeights, 1)
    expect(fit.constants.mfuLinear).toBeCloseTo(TRUTH.mfuLinear, 1)
    expect(fit.constants.stepOverheadS! / TRUTH.stepOverheadS).toBeGreaterThan(0.85)
    expect(fit.constants.stepOverheadS! / TRUTH.stepOverheadS).toBeLessThan(1.15)
    expect(fit.constants.requestOverheadS! / TRUTH.requestOverheadS).toBeGreaterThan(0.8)
    expect(fit.constants.requestOverheadS! / TRUTH.requestOverheadS).toBeLessThan(1.2)
    for (const e of fit.errors) expect(e.errorFactor).toBeLessThan(1.03)
  })

  it("points of one variant's run predict the other variants of the same box better than the defaults", () => {
    // One measured variant (fp8 weights) under three loads, as one suite run of it gives.
    const measured = synthetic([
      ['--quantization fp8', 1500, 40, 1],
      ['--quantization fp8', 300, 60, 6],
      ['--quantization fp8', 3000, 20, 2],
    ])
    const fit = fitConstants({ ...box, points: measured, fitRequests: 8 })
    // The variants not measured: 16-bit weights, fp8 KV cache, a larger batch budget.
    const others = synthetic([
      ['', 1500, 40, 1],
      ['--kv-cache-dtype fp8', 800, 50, 4],
      ['--max-num-batched-tokens 4096', 3000, 30, 3],
    ])
    for (const point of others) {
      const calibrated = pointError(point, predictPoint(box, point, fit.constants)).errorFactor
      const uncalibrated = pointError(point, predictPoint(box, point, {})).errorFactor
      expect(calibrated).toBeLessThan(uncalibrated)
      expect(calibrated).toBeLessThan(1.15)
    }
  })

  it('leave-one-out predicts each point from the others', () => {
    const loo = leaveOneOut({ ...box, points: synthetic(), fitRequests: 8 })
    expect(loo.map((e) => e.label)).toEqual(['p0', 'p1', 'p2', 'p3'])
    for (const e of loo) expect(e.errorFactor).toBeLessThan(1.1)
  })
})
