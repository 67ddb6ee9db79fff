/** The speed-only knobs plan tries on a layout, as the variant args a suite would hold. */
import { describe, expect, it } from 'vitest'
import { knobCandidates } from '../../src/planner/candidates.js'
import { getHardwareProfile, getModelSpec, resolveEngineConfig } from '../../src/model/index.js'

const ctx = (mandatoryArgs: string[]) => ({ model: 'Qwen/Qwen2.5-7B-Instruct', mandatoryArgs, dtype: 'auto', hardware: getHardwareProfile('8xl4') })
const layout = { name: 'tp2-pp1', variantArgs: ['-tp', '2'], maxModelLen: 32768 }

describe('plan knobs', () => {
  it('whole prefills: chunked prefill off with a step budget of max_model_len, which vLLM requires then', () => {
    const knob = knobCandidates(ctx(['--quantization', 'fp8']), layout).find((k) => k.name === 'tp2-pp1-nochunk')!
    expect(knob.variantArgs).toEqual(['-tp', '2', '--no-enable-chunked-prefill', '--max-num-batched-tokens', '32768'])
    // The engine the model predicts: chunked prefill off, the whole max_model_len per step.
    const engine = resolveEngineConfig(knob.plan!.args.values, getModelSpec('Qwen/Qwen2.5-7B-Instruct'), getHardwareProfile('8xl4'), 'auto')
    expect(engine).toMatchObject({ enableChunkedPrefill: false, maxNumBatchedTokens: 32768, tp: 2 })
    expect(knobCandidates(ctx([]), { name: 'tp2-pp1', variantArgs: ['-tp', '2'] }).map((k) => k.name)).not.toContain('tp2-pp1-nochunk')
  })

  it('a knob the mandatory args fix is left out', () => {
    const names = knobCandidates(ctx(['--quantization', 'fp8', '--max-num-batched-tokens', '4096']), layout).map((k) => k.name)
    expect(names).not.toContain('tp2-pp1-nochunk')
    expect(names).not.toContain('tp2-pp1-mnbt8192')
    expect(names).toContain('tp2-pp1-gmu0.95')
  })
})
