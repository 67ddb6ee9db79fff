/**
 * A new user's mistakes, run through the CLI's entry point (in process, test/helpers/run-cli.ts): every one is a named
 * error on stderr naming the option and the value, with a usage hint, no stack trace, exit code 2.
 */
import { createServer } from 'node:net'
import type { AddressInfo } from 'node:net'
import { runCli } from '../helpers/run-cli.js'
import { describe, expect, it, onTestFinished, vi } from 'vitest'
import { PROCESS_TEST_TIMEOUT_MS } from '../timeouts.js'

// Every test here runs whole CLI commands (in process): a deadline against hangs, not a speed check.
vi.setConfig({ testTimeout: PROCESS_TEST_TIMEOUT_MS })


function cli(args: string[]) {
  return runCli(args, { GITHUB_TOKEN: '' })
}

describe('mlnode-bench misuse', () => {
  it.each([
    [['diff', '--bogus'], 'mlnode-bench diff: unknown option "--bogus"'],
    [['sim', '--mgmt-port', '70000'], 'mlnode-bench sim: --mgmt-port must be an integer from 0 to 65535, got "70000"'],
    [['merge', 'a.json', '--out'], 'mlnode-bench merge: --out needs a value'],
    [['comment', '--summary', 's.md', '--repo', 'o/r', '--pr', 'seven'], 'mlnode-bench comment: --pr must be an integer >= 1, got "seven"'],
    [['predict', '--model', 'gpt-5', '--prompt-tokens', '10', '--max-tokens', '10'], 'mlnode-bench predict: --model "gpt-5" is not a known catalog model. Known: '],
    // Refused before any simulation starts (it would take minutes): a count that fits is named.
    [
      ['predict', '--model', 'meta-llama/Llama-3.1-8B', '--hardware', '8xh100-sxm', '--prompt-tokens', '512', '--max-tokens', '256', '--requests', '1000000', '--concurrency', '1000000'],
      'mlnode-bench predict: refusing a workload of about 257,000,000 simulated token events',
    ],
  ])('%j', async (args, message) => {
    const r = await cli(args)
    expect(r.exitCode).toBe(2)
    expect(r.stdout).toBe('')
    expect(r.stderr.startsWith(message)).toBe(true)
    expect(r.stderr).toContain(`Run \`mlnode-bench ${args[0]} --help\` for its options.`)
    expect(r.stderr).not.toMatch(/^\s+at /m)
  })
})

describe('mlnode-bench sim on a taken port', () => {
  it('names the port option and the address, exit code 1, no stack', async () => {
    const taken = createServer()
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r))
    onTestFinished(() => new Promise<void>((r) => taken.close(() => r())))
    const port = (taken.address() as AddressInfo).port
    const r = await cli(['sim', '--inference-port', String(port)])
    expect(r.exitCode).toBe(1)
    expect(r.stderr).toBe(`mlnode-bench sim: cannot listen on 127.0.0.1:${port} (--inference-port): the port is taken: pick another or 0 for any free port [EADDRINUSE]`)
  })
})
