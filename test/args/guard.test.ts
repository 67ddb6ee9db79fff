import { describe, expect, it } from 'vitest'
import { hasCode } from '../../src/errors.js'
import {
  assertVariantAllowed,
  classifyArg,
  guardVariant,
  toMlnodeArgs,
  type GuardVariantInput,
  type GuardViolation,
} from '../../src/args/index.js'

// docs/mlnode.md "Host workflow": QwQ-32B on the network.
const QWQ = { model: 'Qwen/QwQ-32B', mandatoryArgs: ['--kv-cache-dtype', 'fp8', '--quantization', 'fp8'] }

function violationsOf(variantArgs: string[], extra: Partial<GuardVariantInput> = {}): GuardViolation[] {
  return guardVariant({ ...QWQ, variant: 'v', variantArgs, ...extra })
}

describe('classifyArg', () => {
  it.each<[string, 'inference' | 'tunable' | 'unknown']>([
    ['tensor-parallel-size', 'tunable'],
    ['-tp', 'tunable'],
    ['--pipeline_parallel_size', 'tunable'],
    ['-ep', 'tunable'],
    ['--data-parallel-size', 'tunable'],
    ['gpu-memory-utilization', 'tunable'],
    ['--enable-chunked-prefill', 'tunable'],
    ['--no-enable-prefix-caching', 'tunable'],
    ['--max-num-seqs', 'tunable'],
    ['kv-cache-dtype', 'inference'],
    ['--kv_cache_dtype', 'inference'],
    ['-q', 'inference'],
    ['--kv-cache-dt', 'inference'],
    ['--quantiz', 'unknown'], // ambiguous: --quantization or --quantization-config (v0.22+)
    ['--max-model-len', 'inference'],
    ['--speculative-model', 'inference'],
    ['--speculative-config', 'inference'],
    ['--seed', 'inference'],
    ['--dtype', 'inference'],
    ['--port', 'inference'],
    // table C, default A
    ['--enforce-eager', 'inference'],
    ['--block-size', 'inference'],
    ['--disable-custom-all-reduce', 'inference'],
    ['-O', 'inference'],
    ['--attention-backend', 'inference'],
    // known to vLLM but unclassified, and unknown
    ['--api-server-count', 'unknown'],
    ['--foo-bar', 'unknown'],
    ['--kv-cache', 'unknown'],
  ])('%s → %s', (name, expected) => {
    expect(classifyArg(name)).toBe(expected)
  })

  it('allow-listed args are tunable, in any spelling', () => {
    expect(classifyArg('--foo-bar', { allow: ['foo_bar'] })).toBe('tunable')
    expect(classifyArg('enforce-eager', { allow: ['--enforce_eager'] })).toBe('tunable')
    expect(classifyArg('--enforce-eager', { allow: ['--block-size'] })).toBe('inference')
  })
})

describe('guardVariant: QwQ-32B variants of docs/mlnode.md "Host workflow"', () => {
  it.each([
    ['tp8-pp1', ['-tp', '8']],
    ['tp4-pp2', ['-tp', '4', '-pp', '2']],
    ['tp2-pp4', ['--tensor-parallel-size=2', '--pipeline_parallel_size', '4']],
    ['tp1-pp8', ['--pipeline-parallel-size', '8']],
  ])('%s passes and merges mandatory first', (variant, variantArgs) => {
    expect(guardVariant({ ...QWQ, variant, variantArgs, dtype: 'float16', referenceDtype: 'float16' })).toEqual([])
    const merged = assertVariantAllowed({ ...QWQ, variant, variantArgs })
    expect(toMlnodeArgs(merged).slice(0, 4)).toEqual(['--kv-cache-dtype', 'fp8', '--quantization', 'fp8'])
  })

  it('tunables, repeating a mandatory arg unchanged, and allow-listed args pass', () => {
    const ok = violationsOf(
      ['-tp', '4', '--gpu-memory-utilization', '0.95', '--enable-prefix-caching', '-q=fp8', '--kv_cache_dtype', 'fp8', '--foo', '1'],
      { allow: ['--foo'] },
    )
    expect(ok).toEqual([])
  })
})

describe('guardVariant: every violation kind', () => {
  it.each<[string, string[], Partial<GuardViolation>]>([
    // Gonka escape tricks (docs/vllm-server-args.md "How Gonka enforces it"): all caught.
    ['underscore spelling', ['--kv_cache_dtype', 'auto'], { kind: 'changed', arg: 'kv-cache-dtype', expected: 'fp8', actual: 'auto' }],
    ['= spelling', ['--kv-cache-dtype=auto'], { kind: 'changed', arg: 'kv-cache-dtype', expected: 'fp8', actual: 'auto' }],
    ['-q=awq', ['--disable-log-stats', '-q=awq'], { kind: 'changed', arg: 'quantization', expected: 'fp8', actual: 'awq' }],
    ['-q awq', ['-q', 'awq'], { kind: 'changed', arg: 'quantization', expected: 'fp8', actual: 'awq' }],
    ['-qawq', ['-qawq'], { kind: 'changed', arg: 'quantization', actual: 'awq' }],
    ['unique prefix', ['--kv-cache-dt', 'auto'], { kind: 'changed', arg: 'kv-cache-dtype', actual: 'auto' }],
    // `--quant` is ambiguous once --quantization-config exists (v0.22+); every reading affects inference.
    ['ambiguous prefix --quant', ['--quant', 'awq'], { kind: 'forbidden', arg: '--quant' }],
    ['--no- removes a mandatory arg', ['--no-enable-prefix-caching'], {}],
    ['last occurrence wins', ['--quantization', 'fp8', '--quantization', 'awq'], { kind: 'changed', arg: 'quantization', actual: 'awq' }],
    ['clearing with ""', ['--kv-cache-dtype', ''], { kind: 'missing', arg: 'kv-cache-dtype', expected: 'fp8', actual: '' }],
    ['clearing with None', ['--quantization', 'None'], { kind: 'missing', arg: 'quantization' }],
    ['inference arg not mandatory', ['--max-model-len', '4096'], { kind: 'forbidden', arg: 'max-model-len', actual: '4096' }],
    ['inference arg by prefix', ['--max-model', '4096'], { kind: 'forbidden', arg: 'max-model-len' }],
    ['table C default A', ['--enforce-eager'], { kind: 'forbidden', arg: 'enforce-eager', actual: 'true' }],
    ['speculative dotted key', ['--speculative-config.method', 'ngram'], { kind: 'forbidden', arg: 'speculative-config' }],
    ['unknown arg', ['--foo-bar', '1'], { kind: 'unknown', arg: 'foo-bar', actual: '1' }],
    ['known but unclassified arg', ['-asc', '2'], { kind: 'unknown', arg: 'api-server-count' }],
    ['ambiguous with a tunable reading', ['--kv-cache', 'fp8'], { kind: 'unknown', arg: '--kv-cache' }],
    ['unparseable token', ['-tp8'], { kind: 'unknown', arg: '-tp8' }],
    ['single-dash long name (chain upgrade v1_16)', ['-kv-cache-dtype', 'auto'], { kind: 'unknown', arg: '-kv-cache-dtype' }],
    ['--config', ['--config', 'x.yaml'], { kind: 'unknown', arg: '--config' }],
    ['--dtype in args', ['--dtype', 'half'], { kind: 'dtype', arg: 'dtype', actual: 'half' }],
    ['--dtyp prefix in args', ['--dtyp=half'], { kind: 'dtype', arg: 'dtype' }],
    ['--port', ['--port', '9000'], { kind: 'forbidden', arg: 'port', actual: '9000' }],
    ['--host', ['--host=0.0.0.0'], { kind: 'forbidden', arg: 'host' }],
  ])('%s', (_, variantArgs, expected) => {
    const violations = violationsOf(variantArgs)
    if (Object.keys(expected).length === 0) {
      // `--no-enable-prefix-caching` is a tunable and harmless here: the guard must NOT flag it.
      expect(violations).toEqual([])
      return
    }
    expect(violations).toHaveLength(1)
    expect(violations[0]).toMatchObject(expected)
    expect(violations[0]!.message).toContain('Qwen/QwQ-32B variant v')
  })

  it('--no-x of a mandatory flag is "missing"', () => {
    const violations = guardVariant({
      model: 'm',
      variant: 'v',
      mandatoryArgs: ['--enable-prefix-caching', '--trust-remote-code'],
      variantArgs: ['--no-trust-remote-code'],
    })
    expect(violations).toMatchObject([{ kind: 'missing', arg: 'trust-remote-code', expected: 'true', actual: 'false' }])
  })

  it('mandatory JSON arg: a dotted key in the variant replaces it, so it is changed', () => {
    const base = { model: 'm', variant: 'v', mandatoryArgs: ['--speculative-config', '{"method":"ngram","num_speculative_tokens":3}'] }
    expect(guardVariant({ ...base, variantArgs: ['--speculative-config', '{ "num_speculative_tokens": 3, "method": "ngram" }'] })).toEqual([])
    expect(guardVariant({ ...base, variantArgs: ['--speculative-config.num_speculative_tokens', '3'] })).toMatchObject([{ kind: 'changed' }])
  })

  it('dtype field and the mandatory args', () => {
    expect(violationsOf(['-tp', '2'], { dtype: 'bfloat16', referenceDtype: 'float16' })).toMatchObject([
      { kind: 'dtype', arg: 'dtype', expected: 'float16', actual: 'bfloat16' },
    ])
    expect(violationsOf(['-tp', '2'], { dtype: 'half', referenceDtype: 'float16' })).toEqual([])
    const inMandatory = guardVariant({ model: 'm', variant: 'v', mandatoryArgs: ['--dtype', 'bfloat16', '--port', '1'], variantArgs: [] })
    expect(inMandatory.map((v) => v.kind)).toEqual(['dtype', 'forbidden'])
  })

  it('allow-list does not let a variant change a mandatory arg', () => {
    expect(violationsOf(['--kv-cache-dtype', 'auto'], { allow: ['kv-cache-dtype'] })).toMatchObject([{ kind: 'changed' }])
  })
})

describe('assertVariantAllowed', () => {
  it('throws ONE error listing all violations, one per line, naming model, variant, arg, expected, actual', () => {
    const input = {
      ...QWQ,
      variant: 'tp4-escape',
      source: 'benchmarks/qwq.bench.ts',
      variantArgs: ['-tp', '4', '--kv_cache_dtype', 'auto', '-q=awq', '--seed', '7', '--foo', '--dtype', 'half', '--port', '1'],
      dtype: 'bfloat16',
      referenceDtype: 'float16',
    }
    let caught: unknown
    try {
      assertVariantAllowed(input)
    } catch (error) {
      caught = error
    }
    expect(hasCode(caught, 'MLNB_ARGS_GUARD')).toBe(true)
    const message = (caught as Error).message
    const lines = message.split('\n')
    expect(lines[0]).toBe("Guard rejected variant 'tp4-escape' of Qwen/QwQ-32B (benchmarks/qwq.bench.ts): 7 violation(s):")
    expect(lines).toHaveLength(8)
    expect(message).toMatch(/--kv-cache-dtype is changed: expected 'fp8', actual 'auto' \(written '--kv_cache_dtype auto'\)/)
    expect(message).toMatch(/--quantization is changed: expected 'fp8', actual 'awq' \(written '-q=awq'\)/)
    expect(message).toMatch(/--seed affects inference.*actual '7'/)
    expect(message).toMatch(/--foo is not a known tunable arg/)
    expect(message).toMatch(/--dtype inside args would silently override/)
    expect(message).toMatch(/--port is set by MLNode itself/)
    expect(message).toMatch(/dtype differs from the reference: expected 'float16', actual 'bfloat16'/)
    for (const line of lines.slice(1)) expect(line).toContain('Qwen/QwQ-32B variant tp4-escape')
    expect((caught as { details: { violations: unknown[] } }).details.violations).toHaveLength(7)
  })

  it('never echoes secrets', () => {
    expect(() =>
      assertVariantAllowed({ model: 'm', variant: 'v', mandatoryArgs: [], variantArgs: ['--api-key', 'sk-very-secret-value'] }),
    ).toThrow(expect.objectContaining({ message: expect.not.stringContaining('sk-very-secret') }))
  })

  it('mandatory args that do not parse are a parse error, not a guard violation', () => {
    expect(() => assertVariantAllowed({ model: 'm', variant: 'v', mandatoryArgs: ['-kv-cache-dtype', 'fp8'], variantArgs: [] })).toThrow(
      expect.objectContaining({ code: 'MLNB_ARGS_PARSE', message: expect.stringContaining('mandatory args of m') }),
    )
  })
})
