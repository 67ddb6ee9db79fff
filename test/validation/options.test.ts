/** The `validation` suite option, the probe requests as the network builds them, the thresholds and the summary. */
import { describe, expect, it } from 'vitest'
import { resolveValidation } from '../../src/validation/options.js'
import { buildProbes, probeBody } from '../../src/validation/probes.js'
import { summarize } from '../../src/validation/summary.js'
import { resolveThreshold } from '../../src/validation/thresholds.js'
import { networkModelEntry } from '../../src/network/registry.js'

const ctx = { model: 'Qwen/QwQ-32B', variants: ['tp8-pp1', 'tp4-pp2'], file: '/p/benchmarks/qwq.bench.ts', source: 'benchmarks/qwq.bench.ts' }

describe('validation option', () => {
  it('fills the defaults, takes the model threshold with its source, resolves files from the suite', () => {
    const plan = resolveValidation({ reference: 'tp8-pp1', referenceFile: 'ref.jsonl' }, ctx)
    expect(plan).toMatchObject({ reference: 'tp8-pp1', prompts: 32, maxTokens: 128, referenceFile: '/p/benchmarks/ref.jsonl' })
    expect(plan.samplings).toEqual([{ temperature: 0 }, { temperature: 0.7, topP: 0.9 }, { temperature: 0.7, topP: 0.9, topK: 20 }])
    // The chain's entry of the model (the registry's snapshot here), with where it comes from.
    expect(plan.threshold.value).toBe(networkModelEntry('Qwen/QwQ-32B').validationThreshold)
    expect(plan.threshold.source).toMatch(/^validation_threshold of .*genesis/)
    expect(resolveValidation({ reference: 'tp4-pp2', threshold: 0.95 }, ctx).threshold).toEqual({ value: 0.95, source: 'suite option validation.threshold' })
    expect(resolveThreshold('some/unknown-model', undefined)).toMatchObject({ value: 0.99 })
    expect(resolveThreshold('moonshotai/Kimi-K2.6', undefined).value).toBe(0.9)
  })

  it.each([
    [{ reference: 'tp2' }, 'field "validation.reference" of Qwen/QwQ-32B is "tp2": expected one of the variants (tp8-pp1, tp4-pp2)'],
    [{ reference: 'tp8-pp1', prompts: 0 }, 'field "validation.prompts" of Qwen/QwQ-32B is 0: expected a whole number ≥ 1'],
    [{ reference: 'tp8-pp1', threshold: 1.5 }, 'field "validation.threshold" of Qwen/QwQ-32B is 1.5: expected a number between 0 and 1'],
    [{ reference: 'tp8-pp1', samplings: [{ temperature: 0.7, topP: 2 }] }, 'field "validation.samplings[0]" of Qwen/QwQ-32B is {"temperature":0.7,"topP":2}'],
    [{ reference: 'tp8-pp1', logprobsMode: 'raw_logits' }, 'field "validation.logprobsMode" of Qwen/QwQ-32B is "raw_logits"'],
  ])('%j is a named error', (options, message) => {
    expect(() => resolveValidation(options as never, ctx)).toThrow(expect.objectContaining({ code: 'MLNB_CONFIG', message: expect.stringContaining(`benchmarks/qwq.bench.ts: ${message}`) }))
  })
})

describe('probes', () => {
  it('are built as ModifyRequestBody leaves a request, and replayed as a validator replays it', () => {
    const probes = buildProbes({ prompts: 40, maxTokens: 64, samplings: [{ temperature: 0 }, { topK: 20, topP: 0.9, temperature: 0.7 }] })
    expect(new Set(probes.map((p) => p.messages[0]!.content)).size).toBe(40)
    expect(probes[1]!.sampling).toEqual({ temperature: 0.7, topP: 0.9, topK: 20 })
    const body = probeBody(probes[1]!, 'Qwen/QwQ-32B', 'processed_logprobs')
    expect(body).toEqual({
      model: 'Qwen/QwQ-32B', messages: probes[1]!.messages, max_tokens: 64, max_completion_tokens: 64, temperature: 0.7, top_p: 0.9, top_k: 20, seed: 1001,
      logprobs: true, top_logprobs: 5, skip_special_tokens: false, return_token_ids: true, stream: false, logprobs_mode: 'processed_logprobs',
    })
    const replay = probeBody(probes[0]!, 'm', undefined, [{ token: '11', logprob: -0.1, top_logprobs: [{ token: '11', logprob: -0.1 }, { token: '12', logprob: -2 }] }])
    expect(replay.enforced_tokens).toEqual({ tokens: [{ token: '11', top_tokens: ['11', '12'] }] })
    expect('top_p' in replay).toBe(false)
  })
})

describe('summary', () => {
  it('min, median, share at or below the threshold (strict pass), first difference', () => {
    const s = summarize([
      { probe: 'a', similarity: 0.99 },
      { probe: 'b', similarity: 0.97, difference: { probe: 'b', position: 3, referenceToken: '1', variantToken: '2' } },
      { probe: 'c', similarity: 0.98 },
      { probe: 'd', note: 'diverged-at-0' },
    ], 0.98)
    expect(s).toEqual({ probes: 4, compared: 3, minSimilarity: 0.97, medianSimilarity: 0.98, belowThresholdShare: 2 / 3, passed: false, firstDifference: { probe: 'b', position: 3, referenceToken: '1', variantToken: '2' }, worstProbe: 'b' })
    expect(summarize([{ probe: 'x', note: 'diverged-at-0' }], 0.9)).toMatchObject({ compared: 0, passed: false, belowThresholdShare: 1 })
  })
})
