import { describe, expect, it } from 'vitest'
import { hasCode } from '../../src/errors.js'
import { parallelismOf, parseVllmArgs, toMlnodeArgs } from '../../src/args/index.js'
import { OPTIONS, ALIASES } from '../../src/args/options.js'

const mlnode = (tokens: string[]): string[] => toMlnodeArgs(parseVllmArgs(tokens))

function parseError(tokens: string[], source?: string): Error {
  try {
    parseVllmArgs(tokens, source === undefined ? {} : { source })
  } catch (error) {
    expect(hasCode(error, 'MLNB_ARGS_PARSE')).toBe(true)
    return error as Error
  }
  throw new Error(`expected ${JSON.stringify(tokens)} to fail`)
}

describe('parseVllmArgs: spellings vLLM accepts', () => {
  it.each<[string, string[], string[]]>([
    ['long name, two tokens', ['--tensor-parallel-size', '4'], ['--tensor-parallel-size', '4']],
    ['long name with =', ['--tensor-parallel-size=4'], ['--tensor-parallel-size', '4']],
    ['underscores', ['--tensor_parallel_size', '4'], ['--tensor-parallel-size', '4']],
    ['underscores with =', ['--kv_cache_dtype=fp8'], ['--kv-cache-dtype', 'fp8']],
    ['-tp alias', ['-tp', '4'], ['--tensor-parallel-size', '4']],
    ['-tp=4', ['-tp=4'], ['--tensor-parallel-size', '4']],
    ['-pp alias', ['-pp', '2'], ['--pipeline-parallel-size', '2']],
    ['-dp alias', ['-dp', '2'], ['--data-parallel-size', '2']],
    ['-ep flag alias', ['-ep'], ['--enable-expert-parallel']],
    ['-q alias', ['-q', 'fp8'], ['--quantization', 'fp8']],
    ['-q=fp8', ['-q=fp8'], ['--quantization', 'fp8']],
    ['-qfp8 (value glued to one-letter alias)', ['-qfp8'], ['--quantization', 'fp8']],
    ['-O3 (v0.8 compilation level)', ['-O3'], ['--compilation-config', '3']],
    ['-t: unique prefix of -tp', ['-t', '2'], ['--tensor-parallel-size', '2']],
    ['-sc alias', ['-sc', '{"method":"ngram"}'], ['--speculative-config', '{"method":"ngram"}']],
    ['-dcp alias', ['-dcp', '2'], ['--decode-context-parallel-size', '2']],
    ['unique prefix --dtyp', ['--dtyp', 'half'], ['--dtype', 'half']],
    ['unique prefix --max-model', ['--max-model', '4096'], ['--max-model-len', '4096']],
    ['unique prefix with =', ['--gpu-mem=0.9'], ['--gpu-memory-utilization', '0.9']],
    ['unique prefix with underscores', ['--max_num_s', '64'], ['--max-num-seqs', '64']],
    ['boolean flag without value', ['--enable-prefix-caching'], ['--enable-prefix-caching']],
    ['--no-flag', ['--no-enable-prefix-caching'], ['--no-enable-prefix-caching']],
    ['--no_flag with underscores', ['--no_enforce_eager'], ['--no-enforce-eager']],
    ['prefix of a --no- flag', ['--no-enable-pre'], ['--no-enable-prefix-caching']],
    ['optional true|false (v0.8.1 chunked prefill)', ['--enable-chunked-prefill', 'false'], ['--no-enable-chunked-prefill']],
    ['optional value with =', ['--enable-chunked-prefill=True'], ['--enable-chunked-prefill']],
    ['optional value omitted', ['--enable-chunked-prefill', '-tp', '2'], ['--enable-chunked-prefill', '--tensor-parallel-size', '2']],
    ['negative number is a value', ['--seed', '-1'], ['--seed', '-1']],
    ['empty value clears', ['--max-model-len', ''], ['--max-model-len', '']],
    ['32k value kept as text', ['--max-model-len', '32k'], ['--max-model-len', '32k']],
    ['value with = inside', ['--served-model-name=a=b'], ['--served-model-name', 'a=b']],
    ['nargs + values', ['--served-model-name', 'a', 'b', '-tp', '2'], ['--served-model-name', 'a', 'b', '--tensor-parallel-size', '2']],
    ['append accumulates', ['--middleware', 'x.A', '--middleware', 'y.B'], ['--middleware', 'x.A', '--middleware', 'y.B']],
    ['unknown long option keeps its value', ['--foo-bar', 'baz'], ['--foo-bar', 'baz']],
    ['unknown long option alone is a flag', ['--foo-bar', '-tp', '2'], ['--foo-bar', '--tensor-parallel-size', '2']],
  ])('%s', (_, tokens, expected) => {
    expect(mlnode(tokens)).toEqual(expected)
  })

  it('keys are canonical, booleans are booleans', () => {
    const args = parseVllmArgs(['-tp', '4', '--kv_cache_dtype', 'fp8', '--enable-prefix-caching', '--no-enforce-eager'])
    expect([...args.values]).toEqual([
      ['tensor-parallel-size', '4'],
      ['kv-cache-dtype', 'fp8'],
      ['enable-prefix-caching', true],
      ['enforce-eager', false],
    ])
    expect(args.order).toEqual(['tensor-parallel-size', 'kv-cache-dtype', 'enable-prefix-caching', 'enforce-eager'])
  })

  it.each<[string, string[], string[]]>([
    ['alias vs long form: last wins', ['--tensor-parallel-size', '2', '-tp', '4'], ['--tensor-parallel-size', '4']],
    ['flag then --no-flag', ['--enable-prefix-caching', '--no-enable-prefix-caching'], ['--no-enable-prefix-caching']],
    ['order of first appearance kept', ['-pp', '2', '-tp', '4', '-pp', '1'], ['--pipeline-parallel-size', '1', '--tensor-parallel-size', '4']],
    ['nargs + repeated: last wins', ['--served-model-name', 'a', 'b', '--served-model-name', 'c'], ['--served-model-name', 'c']],
  ])('repeats: %s', (_, tokens, expected) => {
    expect(mlnode(tokens)).toEqual(expected)
  })

  it('folds dotted JSON keys into the parent; they beat a whole-JSON value in any position', () => {
    const args = parseVllmArgs([
      '--speculative-config.method', 'ngram',
      '--speculative-config', '{"method": "eagle", "model": "x"}',
      '--speculative_config.num_speculative_tokens=5',
      '--compilation-config.cudagraph.sizes', '[1,2]',
    ])
    expect(args.values.get('speculative-config')).toBe('{"method":"ngram","num_speculative_tokens":5}')
    expect(args.values.get('compilation-config')).toBe('{"cudagraph":{"sizes":[1,2]}}')
    expect(args.order).toEqual(['speculative-config', 'compilation-config'])
  })

  it('canonicalises JSON values so equal configs compare equal', () => {
    const a = parseVllmArgs(['--hf-overrides', '{ "b": 1, "a": {"y": 2, "x": 1} }'])
    const b = parseVllmArgs(['--hf-overrides={"a":{"x":1,"y":2},"b":1}'])
    expect(a.values.get('hf-overrides')).toBe(b.values.get('hf-overrides'))
  })
})

describe('parseVllmArgs: what vLLM rejects', () => {
  it.each<[string, string[], RegExp]>([
    ['-tp4 (value glued to a multi-letter alias)', ['-tp4'], /token #1 '-tp4'.*unrecognized/],
    ['single-dash long name', ['-kv-cache-dtype', 'fp8'], /token #1 '-kv-cache-dtype'.*two dashes/],
    ['ambiguous long prefix', ['--kv-cache', 'fp8'], /ambiguous.*--kv-cache-dtype.*--kv-cache-memory-bytes/],
    ['ambiguous short prefix', ['-d', '2'], /ambiguous option -d/],
    ['--config', ['--config', 'x.yaml'], /--config is rejected/],
    ['--config=', ['--config=x.yaml'], /--config is rejected/],
    ['flag with =true', ['--enforce-eager=true'], /takes no value/],
    ['--no- of a value option', ['--no-max-model-len'], /not a boolean flag/],
    ['value option at the end', ['-tp'], /expects a value/],
    ['value option followed by an option', ['--max-model-len', '--enforce-eager'], /expects a value, got option '--enforce-eager'/],
    ['stray value', ['-tp', '4', '8'], /token #3 '8'.*without an option/],
    ['optional bool with other text', ['--enable-chunked-prefill', 'yes'], /only true or false/],
    ['dotted key on a non-JSON option', ['--max-model-len.x', '1'], /not a JSON option/],
    ['end-of-options marker', ['--', '-tp', '2'], /'--'/],
  ])('%s', (_, tokens, pattern) => {
    expect(parseError(tokens).message).toMatch(pattern)
  })

  it('names the source, every bad token and its position', () => {
    const error = parseError(['-tp', '4', '-tp8', '--kv-cache', 'x'], 'benchmarks/qwq.bench.ts variant tp8')
    expect(error.message).toContain('benchmarks/qwq.bench.ts variant tp8')
    expect(error.message).toMatch(/token #3 '-tp8'/)
    expect(error.message).toMatch(/token #4 '--kv-cache'/)
  })
})

describe('toMlnodeArgs', () => {
  it('is deterministic and idempotent', () => {
    const tokens = ['-q=fp8', '--kv_cache_dtype=fp8', '-tp', '4', '-pp=2', '--enable-prefix-caching', '--no-enforce-eager']
    const once = mlnode(tokens)
    expect(once).toEqual([
      '--quantization', 'fp8', '--kv-cache-dtype', 'fp8', '--tensor-parallel-size', '4',
      '--pipeline-parallel-size', '2', '--enable-prefix-caching', '--no-enforce-eager',
    ])
    expect(mlnode(once)).toEqual(once)
  })
})

describe('parallelismOf', () => {
  it.each<[string[], { tp: number; pp: number; dp: number }]>([
    [[], { tp: 1, pp: 1, dp: 1 }],
    [['-tp', '4', '-pp', '2'], { tp: 4, pp: 2, dp: 1 }],
    [['--tensor_parallel_size=8', '-dp', '2'], { tp: 8, pp: 1, dp: 2 }],
    [['--tensor-parallel-size', '2', '-tp', '4'], { tp: 4, pp: 1, dp: 1 }],
  ])('%j', (tokens, expected) => {
    expect(parallelismOf(parseVllmArgs(tokens))).toEqual(expected)
  })

  it.each([['-tp', '2.5'], ['-pp', 'two'], ['-tp', '0'], ['-tp', '-2'], ['-tp', '']])('rejects %s %j', (flag, value) => {
    const args = parseVllmArgs([flag, value])
    expect(() => parallelismOf(args)).toThrow(expect.objectContaining({ code: 'MLNB_ARGS_PARSE' }))
  })
})

describe('option table', () => {
  it('aliases are single-dash and point to known options', () => {
    for (const [alias, name] of ALIASES) {
      expect(alias).toMatch(/^-[A-Za-z]/)
      expect(OPTIONS.has(name)).toBe(true)
    }
  })
})

describe('secrets in parse errors', () => {
  it('masks the value of a secret-looking token', () => {
    const error = parseError(['-api-key=sk-live-123456'])
    expect(error.message).not.toContain('sk-live-123456')
    expect(error.message).toContain("'-api-key=***'")
    expect(JSON.stringify((error as unknown as { details: unknown }).details)).not.toContain('sk-live-123456')
  })
})
