/**
 * The worker threads from the BUILT package: compiled with the package's own build config
 * (tsconfig.build.json) and run by plain Node, no tsx, so the worker entry must be the compiled
 * load-worker.js beside load-workers.js, as in `dist/` of the npm package.
 */
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { execa } from 'execa'
import { afterAll, describe, expect, it } from 'vitest'
import { builtPackage } from '../helpers/built-package.js'
import { startFakeVllm, type FakeVllm } from './helpers/server.js'

const repo = fileURLToPath(new URL('../../', import.meta.url))
let server: FakeVllm | undefined
afterAll(async () => {
  await server?.close()
})

describe('load worker threads from the built package', () => {
  it('run a workload under plain node with the compiled worker entry', async () => {
    // The package's own build (shared with the other e2e tests that need one).
    const outDir = await builtPackage()
    server = await startFakeVllm({ prefillMs: 2, tokenMs: 1 })
    const entry = pathToFileURL(join(outDir, 'src', 'load', 'index.js')).href
    const script = `
      import { runWorkload } from ${JSON.stringify(entry)}
      const run = await runWorkload({ baseUrl: ${JSON.stringify(server.url)}, model: 'm' }, { name: 'built', requests: 6, concurrency: 3, prompt: { tokens: 8 }, maxTokens: 3 }, { workers: 2 })
      console.log(JSON.stringify({ workers: run.workers, records: run.records.length, failed: run.records.filter((r) => r.failure).length, chunks: run.records.map((r) => r.contentChunkAtMs.length) }))
    `
    const result = await execa('node', ['--input-type=module', '-e', script], { cwd: repo })
    expect(JSON.parse(result.stdout.trim().split('\n').at(-1)!)).toEqual({ workers: 2, records: 6, failed: 0, chunks: [3, 3, 3, 3, 3, 3] })
  }, 240_000)
})
