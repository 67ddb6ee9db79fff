/**
 * Losses of outputs: a folder that cannot be written, or that another run is writing to, stops
 * the run before anything is deployed (the fake MLNode sees no request); a write that fails
 * during the run is never reported as written.
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { execa } from 'execa'
import { expect, it, onTestFinished } from 'vitest'
import { startHttp } from '../load/helpers/server.js'
import { useTempDir } from '../temp-dir.js'
import { PROCESS_TEST_TIMEOUT_MS } from '../timeouts.js'
import { runFixture } from './run-fixture.js'

const dir = useTempDir('mlnb-faults-outputs-', 'test')

/** An MLNode that counts what it is asked and answers nothing useful (it must not be asked at all). */
async function countingMlnode() {
  let requests = 0
  const server = await startHttp((_req, res) => {
    requests++
    res.writeHead(503).end('{}')
  })
  onTestFinished(() => server.close())
  return { url: server.url, requests: () => requests }
}

it('an output folder that cannot be written fails the run before any deploy', async () => {
  const mlnode = await countingMlnode()
  // Below a regular file: no folder can be made there (root ignores read-only modes; this it cannot).
  await writeFile(join(dir(), 'a-file'), 'x')
  const out = join(dir(), 'a-file', 'out')
  const run = await runFixture({ MLNODE_URL: mlnode.url }, { out })
  expect(run.exitCode, run.output).toBe(1)
  expect(run.output).toMatch(/Output folder .*a-file\/out cannot be written .*nothing was deployed/)
  expect(mlnode.requests()).toBe(0)
  expect(run.output).not.toMatch(/results written/)
}, PROCESS_TEST_TIMEOUT_MS)

it('a second run on an output folder a live run holds is refused before any deploy', async () => {
  const mlnode = await countingMlnode()
  const out = join(dir(), 'out')
  await mkdir(out, { recursive: true })
  const other = execa(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'])
  onTestFinished(async () => {
    other.kill()
    await other.catch(() => undefined)
  })
  await writeFile(join(out, 'run.lock'), JSON.stringify({ pid: other.pid, host: hostname(), at: new Date().toISOString(), what: 'a vitest bench run' }))
  const run = await runFixture({ MLNODE_URL: mlnode.url }, { out })
  expect(run.exitCode, run.output).toBe(1)
  expect(run.output).toMatch(new RegExp(`Another run writes to the same output folder: .*run\\.lock is locked by a vitest bench run \\(PID ${other.pid}`))
  expect(mlnode.requests()).toBe(0)
}, PROCESS_TEST_TIMEOUT_MS)

it('a results.json that cannot be written is reported as NOT written, never as written', async () => {
  const out = join(dir(), 'out')
  // A folder where the file should go: the rename over it fails at every write.
  await mkdir(join(out, 'results.json'), { recursive: true })
  const run = await runFixture({ MLNB_FAULT_REQUESTS: '2' }, { out })
  expect(run.exitCode, run.output).toBe(1)
  expect(run.output).toMatch(/results NOT written/)
  expect(run.output).not.toMatch(/results written to/)
}, PROCESS_TEST_TIMEOUT_MS)
