/**
 * A load worker thread that dies mid-run (a crash, an out-of-memory kill of the thread): its
 * requests in flight settle as failures naming the thread, the run ends instead of hanging, and
 * the rest of the workload goes to the threads still alive. The thread really ends itself
 * (helpers/die-mid-run.ts, loaded into each thread); the server is a real loopback one.
 */
import { join } from 'node:path'
import { afterAll, afterEach, beforeEach, expect, it } from 'vitest'
import { runWorkload, stopIdleLoadWorkers } from '../../src/load/index.js'
import { useTempDir } from '../temp-dir.js'
import { startFakeVllm, type FakeVllm } from './helpers/server.js'

const tempDir = useTempDir('mlnb-worker-death-')
let server: FakeVllm | undefined
const saved = { ...process.env }
beforeEach(async () => {
  // Threads left idle by another test lack the probe: start fresh ones.
  await stopIdleLoadWorkers()
  process.env.MLNODE_BENCH_LOAD_WORKER_IMPORT = new URL('./helpers/die-mid-run.ts', import.meta.url).href
  process.env.MLNB_TEST_DIE_AFTER = '2'
  process.env.MLNB_TEST_DIE_FLAG = join(tempDir(), 'died')
})
afterEach(async () => {
  await server?.close()
  server = undefined
  process.env = { ...saved }
  await stopIdleLoadWorkers() // the surviving thread carries the probe: no later test may get it
})
afterAll(() => stopIdleLoadWorkers())

it('settles the dead thread’s requests as named failures and sends the rest to the live thread', async () => {
  server = await startFakeVllm({ prefillMs: 5, tokenMs: 25 })
  const requests = 24
  const run = await runWorkload({ baseUrl: server.url, model: 'm' }, { name: 'w', requests, concurrency: 4, prompt: { tokens: 16 }, maxTokens: 4 }, { workers: 2 })

  expect(run.workers).toBe(2)
  expect(run.records).toHaveLength(requests)
  const failed = run.records.filter((r) => r.failure !== undefined)
  // The thread died with requests in flight: those, and only those, are lost; every later request
  // went to the live thread (sent to the dead one, all 20 others would be lost as well).
  expect(failed.length).toBeGreaterThan(0)
  expect(failed.length).toBeLessThanOrEqual(4)
  for (const r of failed) {
    expect(r.failure?.reason).toBe('connection')
    expect(r.failure?.message).toMatch(/^load worker thread [12] of 2: exited \(code 3\)$/)
  }
})
