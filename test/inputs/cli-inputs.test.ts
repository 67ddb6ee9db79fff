/**
 * Command-line inputs that used to be taken silently: predict's unknown vLLM flags and prompts
 * longer than the model, a bad --baseline-from-history ref, switches in the environment.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { main } from '../../src/cli/main.js'
import { parseHistoryBaselineSpec } from '../../src/history/baseline-from-history.js'
import { checkRunEnv, envFlag, envSeconds } from '../../src/run/env-options.js'

/** Runs the CLI in-process; returns the exit code and what it printed on stderr. */
async function cli(argv: string[]): Promise<{ code: number; stderr: string; stdout: string }> {
  const err = vi.spyOn(console, 'error').mockImplementation(() => {})
  const out = vi.spyOn(console, 'log').mockImplementation(() => {})
  const code = await main(argv)
  return { code, stderr: err.mock.calls.map((c) => c.join(' ')).join('\n'), stdout: out.mock.calls.map((c) => c.join(' ')).join('\n') }
}
afterEach(() => vi.restoreAllMocks())

const ARGS = '--kv-cache-dtype fp8 --quantization fp8 -tp 4 -pp 2'

describe('mlnode-bench predict', () => {
  it('refuses an unknown vLLM flag in --args with exit 2', async () => {
    const r = await cli(['predict', '--model', 'Qwen/QwQ-32B', '--args', `${ARGS} --bogus-flag 3`, '--prompt-tokens', '100', '--max-tokens', '10', '--requests', '2'])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain("--args: '--bogus-flag 3': --bogus-flag is not a vLLM option")
  })

  it('refuses a misspelt flag with the closest one, and a contradiction', async () => {
    const r = await cli(['predict', '--model', 'Qwen/QwQ-32B', '--args', `${ARGS} --max-num-seqz 8 --quantization awq`, '--prompt-tokens', '100', '--max-tokens', '10', '--requests', '2'])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('--max-num-seqz is not a vLLM option (did you mean --max-num-seqs?)')
    expect(r.stderr).toContain("'--quantization fp8' and '--quantization awq' contradict each other")
  })

  it('refuses a prompt longer than the max model len, naming the max', async () => {
    const r = await cli(['predict', '--model', 'Qwen/QwQ-32B', '--args', ARGS, '--prompt-tokens', '99999999', '--max-tokens', '300', '--requests', '2'])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('--prompt-tokens 99999999 + --max-tokens 300 = 100000299 tokens is more than the max model len 40960')
    expect(r.stdout).toBe('')
  })
})

describe('--baseline-from-history', () => {
  it.each([
    ['main:abc', 'after the colon comes the number of runs, not "abc"'],
    ['main:0', 'the number of runs must be an integer ≥ 1, not 0'],
    ['feat ure', 'a branch name cannot contain spaces'],
    ['a..b', 'cannot contain ".."'],
  ])('refuses %s', (value, why) => {
    expect(() => parseHistoryBaselineSpec(value)).toThrow(why)
  })

  it('is a usage error of diff (exit 2)', async () => {
    const r = await cli(['diff', '--results', 'nowhere.json', '--baseline-from-history', 'main:abc'])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('--baseline-from-history must be <branch>[:<runs ≥ 1>], e.g. main:5, got "main:abc"')
  })
})

describe('environment switches', () => {
  it('MLNODE_BENCH_UPDATE_BASELINE takes 1 or 0 and names any other value', () => {
    expect(envFlag('MLNODE_BENCH_UPDATE_BASELINE', { MLNODE_BENCH_UPDATE_BASELINE: '1' })).toBe(true)
    expect(envFlag('MLNODE_BENCH_UPDATE_BASELINE', { MLNODE_BENCH_UPDATE_BASELINE: '' })).toBe(false)
    expect(() => envFlag('MLNODE_BENCH_UPDATE_BASELINE', { MLNODE_BENCH_UPDATE_BASELINE: 'yes' })).toThrow(
      'environment variable MLNODE_BENCH_UPDATE_BASELINE="yes": expected 1 (on) or 0 / unset (off)',
    )
  })

  it('MLNODE_BENCH_PROGRESS_S must be seconds ≥ 0', () => {
    expect(envSeconds('MLNODE_BENCH_PROGRESS_S', 10, {})).toBe(10)
    expect(envSeconds('MLNODE_BENCH_PROGRESS_S', 10, { MLNODE_BENCH_PROGRESS_S: '2.5' })).toBe(2.5)
    expect(() => envSeconds('MLNODE_BENCH_PROGRESS_S', 10, { MLNODE_BENCH_PROGRESS_S: 'abc' })).toThrow('MLNODE_BENCH_PROGRESS_S="abc"')
    expect(() => envSeconds('MLNODE_BENCH_PROGRESS_S', 10, { MLNODE_BENCH_PROGRESS_S: '-1' })).toThrow('expected a number of seconds ≥ 0')
  })

  it('checkRunEnv (the global setup of a bench run) refuses each before anything runs', () => {
    expect(() => checkRunEnv({ MLNODE_BENCH_ALLOW_WATCH: 'true' })).toThrow('MLNODE_BENCH_ALLOW_WATCH="true"')
    expect(() => checkRunEnv({ MLNODE_BENCH_PROGRESS_S: 'abc' })).toThrow('MLNODE_BENCH_PROGRESS_S')
    expect(() => checkRunEnv({ MLNODE_BENCH_UPDATE_BASELINE: '1', MLNODE_BENCH_PROGRESS_S: '0' })).not.toThrow()
  })

  it('diff refuses MLNODE_BENCH_UPDATE_BASELINE=yes instead of quietly not updating', async () => {
    vi.stubEnv('MLNODE_BENCH_UPDATE_BASELINE', 'yes')
    try {
      const r = await cli(['diff', '--results', 'nowhere.json'])
      expect(r.code).toBe(1)
      expect(r.stderr).toContain('MLNODE_BENCH_UPDATE_BASELINE="yes"')
    } finally {
      vi.unstubAllEnvs()
    }
  })
})
