/**
 * Feasibility states its uncertainty: only what certainly cannot start is refused (rules of vLLM
 * and MLNode, weights above the GPU's memory, a shortfall beyond the model's known error); a
 * memory margin within that error is a warning with the margin and the error.
 */
import { describe, expect, it } from 'vitest'
import { parseVllmArgs, planDeploy } from '../../src/args/index.js'
import { checkVariant, describeUncertain, getHardwareProfile, getModelSpec, memoryErrorGiB } from '../../src/model/index.js'

const H100 = getHardwareProfile('8xh100-sxm')
const QWEN = getModelSpec('Qwen/Qwen3-235B-A22B')
const check = (args: string[], box = H100, model = QWEN) => checkVariant(box, model, planDeploy(model.id, parseVllmArgs(args)), 'auto')
const kinds = (xs: ReadonlyArray<{ kind: string }>) => xs.map((x) => x.kind)

describe('feasibility certainty', () => {
  it('Qwen3-235B-A22B at TP8 on 8xH100 with fp8 starts (the published setup ran)', () => {
    const c = check(['-tp', '8', '--quantization', 'fp8'])
    expect(c.certain).toEqual([])
    expect(c.uncertain).toEqual([])
  })

  it('a KV margin within the known error is uncertain: the margin and the error are stated, nothing refused', () => {
    // gpu_memory_utilization 0.81 leaves the 40960-token max_model_len about 0.2 GiB short per GPU (with the MoE start-up reserve).
    const c = check(['-tp', '8', '--gpu-memory-utilization', '0.81'])
    expect(c.certain).toEqual([])
    expect(kinds(c.uncertain)).toEqual(['kv-too-small'])
    const u = c.uncertain[0]!
    expect(u.marginGiB).toBeLessThan(0)
    expect(-u.marginGiB).toBeLessThan(u.errorGiB)
    expect(u.errorGiB).toBeCloseTo(memoryErrorGiB(54.9), 0)
    expect(describeUncertain(c.uncertain)).toMatch(/kv-too-small: predicted short by \d\.\d\d GiB per GPU, within the memory model's known error of ±\d\.\d\d GiB per GPU/)
  })

  it('no KV memory at all within the error is uncertain too; far beyond it, certain', () => {
    expect(kinds(check(['-tp', '8', '--gpu-memory-utilization', '0.76']).uncertain)).toEqual(['no-kv-memory'])
    const far = check(['-tp', '8', '--gpu-memory-utilization', '0.5'])
    expect(kinds(far.certain)).toEqual(['no-kv-memory'])
    expect(far.uncertain).toEqual([])
  })

  it('weights above the GPU memory are refused (Qwen3-235B bf16 on one H100, fp8 at TP2)', () => {
    expect(kinds(check(['-tp', '1'], getHardwareProfile('1xh100-sxm')).certain)).toEqual(['oom'])
    const tp2 = check(['-tp', '2', '--quantization', 'fp8'])
    expect(kinds(tp2.certain)).toEqual(['oom'])
    expect(tp2.certain[0]!.message).toMatch(/needs 110\.\d\d GiB of weights per GPU/)
  })

  it('TP not dividing heads or KV heads, more GPUs than the box, DP under MLNode and bad args are refused', () => {
    expect(kinds(check(['-tp', '3']).certain)).toEqual(['heads', 'kv-heads'])
    expect(kinds(check(['-tp', '8', '-pp', '2']).certain)).toContain('gpus')
    expect(kinds(check(['-tp', '4', '--quantization', 'fp8', '--data-parallel-size', '2']).certain)).toContain('data-parallel')
    expect(kinds(check(['-tp', '8', '--max-model-len', 'lots']).certain)).toEqual(['args'])
  })
})
