import { describe, expect, it } from 'vitest'
import { createVariantResolver, defaultVariantResolver } from '../../src/sim/index.js'

const request = { model: 'Qwen/QwQ-32B', dtype: 'float16', additionalArgs: ['--quantization', 'fp8', '--kv-cache-dtype', 'fp8', '--tensor-parallel-size', '8'] }
const decode = { prefill: [], decode: Array.from({ length: 8 }, () => ({ contextLen: 2000 })) }

describe('the simulator with a calibration', () => {
  it('steps at the calibrated speed: half the weight-read efficiency, slower decode', () => {
    const base = defaultVariantResolver(request, '8xrtx-4070-ti-super').plan!
    const slow = createVariantResolver({ mbuWeights: 0.4 })(request, '8xrtx-4070-ti-super').plan!
    expect(slow.stepCost(decode)).toBeGreaterThan(base.stepCost(decode) * 1.3)
    // Memory does not depend on speed constants: the same KV capacity.
    expect(slow.kvBlocks).toBe(base.kvBlocks)
  })
})
