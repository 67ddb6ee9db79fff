/**
 * A failed deploy on an MLNode v0.2.12 (vLLM exits; MLNode gives no reason): the MLNode log is
 * printed under the variant that failed, never under the next one refused before any deploy
 * (that log is the previous variant's crash), and no PromiseRejectionHandledWarning is printed
 * (Vitest 4.1 bench mode handles a thrown bench's rejection late).
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { expect, it, onTestFinished } from 'vitest'
import type { RunResults } from '../../src/contracts/results.js'
import { healthyRoutes, sequence, startFakeMlnode } from '../mlnode/fake-mlnode.js'
import { PROCESS_TEST_TIMEOUT_MS } from '../timeouts.js'
import { runFixture } from './run-fixture.js'

it('the log goes under the variant whose deploy failed, not under one refused before deploying; no late-handled rejection warning', async () => {
  const routes = healthyRoutes({ model: 'Qwen/Qwen2.5-7B-Instruct', gpus: 4, replicas: [1] })
  routes['GET /api/v1/inference/up/status'] = sequence([200, { status: 'failed', is_starting: false, is_running: false, error: 'vLLM process exited prematurely: None' }])
  routes['POST /api/v1/inference/down'] = sequence([200, { status: 'OK' }])
  routes['GET /api/v1/inference/pow/status'] = sequence([200, { status: 'NO_BACKENDS', backends: [] }])
  const fake = await startFakeMlnode(routes)
  onTestFinished(() => fake.close())
  const run = await runFixture({
    MLNODE_URL: fake.url,
    ...(process.env.MLNB_DEBUG ? { NODE_OPTIONS: '--trace-warnings' } : {}),
    // tp1 deploys and fails; tp4-pp2 needs 8 GPUs of the node's 4: refused before any deploy.
    MLNB_FAULT_VARIANTS: JSON.stringify({ tp1: ['-tp', '1'], 'tp4-pp2': ['-tp', '4', '-pp', '2'] }),
    MLNB_FAULT_LOG_COMMAND: JSON.stringify([process.execPath, '-e', 'console.log("ERROR vLLM engine core died: CUDA error (tp1 crash)")']),
  })
  expect(run.exitCode, run.output).toBe(1)
  expect(run.output).not.toMatch(/PromiseRejectionHandledWarning/)
  if (process.env.MLNB_DEBUG) console.log(run.output)
  const results = (JSON.parse(await readFile(join(run.out, 'results.json'), 'utf8')) as RunResults).results
  const byVariant = new Map(results.map((r) => [r.variant, r]))
  expect(byVariant.get('tp1')?.failure?.log?.join('\n')).toMatch(/tp1 crash/)
  expect(byVariant.get('tp4-pp2')?.failure?.message).toMatch(/cannot deploy/)
  expect(byVariant.get('tp4-pp2')?.failure?.log).toBeUndefined()
  const refusedLines = run.output.split('\n').filter((l) => l.includes('tp4-pp2'))
  expect(refusedLines.join('\n')).toMatch(/deploy FAILED/)
  expect(run.output.split(/\[Qwen\/Qwen2\.5-7B-Instruct tp4-pp2\] deploy FAILED/)[1]?.split('\n').slice(0, 4).join('\n')).not.toMatch(/tp1 crash/)
}, PROCESS_TEST_TIMEOUT_MS)
