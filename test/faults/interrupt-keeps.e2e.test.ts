/**
 * Ctrl-C in the middle of a workload: Vitest exits at once, yet results.json says 'interrupted'
 * (not 'running'), keeps the half-run workload's measured requests as a partial result, and the
 * console lists what was kept. Real vitest, a real SIGINT, a real (slow) OpenAI server.
 */
import { existsSync } from 'node:fs'
import { mkdtemp, readdir, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { execa } from 'execa'
import { expect, it, onTestFinished } from 'vitest'
import type { RunResults } from '../../src/contracts/results.js'
import { startFakeVllm } from '../load/helpers/server.js'
import { CHILD_TIMEOUT_MS, PROCESS_TEST_TIMEOUT_MS } from '../timeouts.js'
import { repo } from './run-fixture.js'

const vitestBin = join(repo, 'node_modules', 'vitest', 'vitest.mjs')

it('keeps the measured part of the running workload, marks the run interrupted and lists what was kept', async () => {
  // 5 tokens 60 ms apart: ~0.3 s a request, 2 at a time: 200 requests would take half a minute.
  const server = await startFakeVllm({ tokenMs: 60 })
  onTestFinished(() => server.close())
  const out = await mkdtemp(join(tmpdir(), 'mlnb-faults-int-'))
  const run = execa(process.execPath, [vitestBin, 'bench', '--run', '--config', 'test/faults/fixtures/vitest.config.ts', 'fault'], {
    cwd: repo,
    reject: false,
    timeout: CHILD_TIMEOUT_MS,
    env: { MLNB_TEST_OUT: out, MLNODE_URL: '', MLNODE_BENCH_TARGET: 'openai', INFERENCE_URL: server.url, MLNB_FAULT_REQUESTS: '200', NO_COLOR: '1', FORCE_COLOR: '0' },
  })
  let output = ''
  run.stdout!.on('data', (c: Buffer) => (output += c.toString()))
  run.stderr!.on('data', (c: Buffer) => (output += c.toString()))
  // Interrupt once the workload has measured some requests (its partial result is on disk).
  const partialDir = join(out, 'partial')
  const deadline = Date.now() + 120_000
  while (Date.now() < deadline && !(existsSync(partialDir) && (await readdir(partialDir)).some((n) => n.endsWith('.json')))) await new Promise((r) => setTimeout(r, 100))
  run.kill('SIGINT')
  await run
  const results = JSON.parse(await readFile(join(out, 'results.json'), 'utf8')) as RunResults
  expect(results.run?.state).toBe('interrupted')
  expect(results.results).toHaveLength(1)
  const [partial] = results.results
  expect(partial).toMatchObject({ variant: 'as-deployed', workload: 'small', status: 'failed', failure: { code: 'MLNB_ABORTED' } })
  expect(partial!.metrics?.requests.completed).toBeGreaterThan(0)
  expect(partial!.metrics?.requests.completed).toBeLessThan(200)
  expect(partial!.run?.id).toBe(results.run?.id)
  expect(output).toMatch(/run interrupted: .*results\.json marked 'interrupted', keeping 1 result\(s\) of this run:\n\s+◐ partial Qwen\/Qwen2\.5-7B-Instruct › as-deployed › small: \d+ of 200 requests measured/)
}, PROCESS_TEST_TIMEOUT_MS)
