/**
 * Watch mode (`vitest bench` without `--run`) run by REAL vitest (`--watch` forces it when stdin
 * is no TTY): no deploy to a real MLNode and no baseline write unless MLNODE_BENCH_ALLOW_WATCH=1.
 * Watch mode never exits by itself: each run is stopped once the line under test was printed.
 */
import { access, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { execa } from 'execa'
import { afterAll, beforeAll, expect, it, onTestFinished } from 'vitest'
import { startFakeMlnode } from '../mlnode/fake-mlnode.js'
import { CHILD_TIMEOUT_MS, PROCESS_TEST_TIMEOUT_MS } from '../timeouts.js'

const repo = fileURLToPath(new URL('../../', import.meta.url))
const vitestBin = join(repo, 'node_modules/vitest/vitest.mjs')
let base: string

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'mlnb-watch-'))
})
afterAll(async () => {
  await rm(base, { recursive: true, force: true })
})

/** Starts `vitest bench --watch` on the fixture suites and resolves with its output once `until` matches. */
async function watchUntil(name: string, filter: string, until: RegExp, env: Record<string, string>): Promise<{ output: string; out: string }> {
  const out = join(base, name)
  const child = execa(process.execPath, [vitestBin, 'bench', '--watch', '--config', 'test/fixtures/suites/vitest.config.ts', filter], {
    cwd: repo,
    reject: false,
    timeout: CHILD_TIMEOUT_MS,
    env: { MLNB_TEST_OUT: out, MLNODE_SIM_LOG: join(out, 'simulator.log'), MLNODE_URL: '', MLNODE_BENCH_ALLOW_WATCH: '', MLNODE_BENCH_UPDATE_BASELINE: '', CI: '', NO_COLOR: '1', FORCE_COLOR: '0', ...env },
  })
  onTestFinished(() => {
    child.kill()
  })
  let output = ''
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8')
      if (until.test(output)) resolve()
    }
    child.stdout!.on('data', onData)
    child.stderr!.on('data', onData)
    // Exiting before the line was printed (or the timeout) fails the test with what was printed.
    void child.then(() => reject(new Error(`vitest exited before printing ${until}:\n${output}`)))
  })
  child.kill()
  await child
  return { output, out }
}

it('refuses to deploy to a real MLNode in watch mode, naming the fix, and calls the MLNode not once', async () => {
  const fake = await startFakeMlnode({})
  onTestFinished(() => fake.close())
  const r = await watchUntil('mlnode', 'second', /MLNB_WATCH|watch mode/, { MLNODE_URL: fake.url })
  expect(r.output).toContain('vitest is in watch mode and the target is the MLNode at')
  expect(r.output).toContain('Run `vitest bench --run`, or set MLNODE_BENCH_ALLOW_WATCH=1')
  expect(fake.requests).toEqual([])
}, PROCESS_TEST_TIMEOUT_MS)

it('runs against the simulator in watch mode but refuses to write the baseline', async () => {
  const r = await watchUntil('sim', 'second', /NOT updated/, { MLNODE_BENCH_UPDATE_BASELINE: '1' })
  expect(r.output).toMatch(/✓ meta-llama\/Llama-3\.1-8B › tp1 › tiny: 2\/2 ok/)
  expect(r.output).toContain('NOT updated: vitest is in watch mode')
  await expect(access(join(r.out, 'baseline.json'))).rejects.toThrow(/ENOENT/)
}, PROCESS_TEST_TIMEOUT_MS)
