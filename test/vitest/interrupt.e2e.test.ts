/**
 * Ctrl-C during a run against an MLNode (here the simulator, reached as MLNODE_URL): Vitest exits
 * at once, and the variant must not stay deployed. Real vitest, a real SIGINT, a real `down`.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { execa } from 'execa'
import { expect, it, onTestFinished } from 'vitest'
import { startSimulator } from '../../src/sim/index.js'
import { CHILD_TIMEOUT_MS, PROCESS_TEST_TIMEOUT_MS } from '../timeouts.js'

const repo = fileURLToPath(new URL('../../', import.meta.url))
const vitestBin = join(repo, 'node_modules', 'vitest', 'vitest.mjs')

async function upStatus(mgmtUrl: string): Promise<string> {
  return ((await (await fetch(`${mgmtUrl}/api/v1/inference/up/status`)).json()) as { status: string }).status
}

it('takes the deployed variant down when the run is interrupted, and says so', async () => {
  const sim = await startSimulator({ clock: 'virtual', hardware: '4xrtx-3090' })
  onTestFinished(() => sim.close())
  const out = await mkdtemp(join(tmpdir(), 'mlnb-int-'))
  onTestFinished(() => rm(out, { recursive: true, force: true }))
  const run = execa(process.execPath, [vitestBin, 'bench', '--run', '--config', 'test/fixtures/suites/vitest.config.ts', 'long-progress'], {
    cwd: repo,
    reject: false,
    timeout: CHILD_TIMEOUT_MS,
    env: { MLNB_TEST_OUT: out, MLNODE_URL: sim.mgmtUrl, INFERENCE_URL: sim.inferenceUrl, NO_COLOR: '1', FORCE_COLOR: '0' },
  })
  let output = ''
  run.stdout!.on('data', (c: Buffer) => {
    output += c.toString()
    // The only variant is deployed and its long workload starts: interrupt while it runs (a
    // suite with a second variant could already be starting that one, and a down that
    // interrupts a start makes MLNode v0.2.12 fail and restart).
    if (/ready after/.test(output) && !run.killed) run.kill('SIGINT')
  })
  run.stderr!.on('data', (c: Buffer) => (output += c.toString()))
  await run
  expect(output).toMatch(/SIGINT: taking the deployment on http:\/\/127\.0\.0\.1:\d+ down in the background/)
  // Interrupted before the end: the suite's own down (after its last variant) never ran.
  expect(output).not.toMatch(/mlnode-bench: \d+ passed, \d+ failed/)
  expect(await upStatus(sim.mgmtUrl)).not.toBe('failed')
  // The detached down reaches the simulator after vitest is gone.
  const deadline = Date.now() + 60_000
  let status = await upStatus(sim.mgmtUrl)
  while (status !== 'not_started' && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100))
    status = await upStatus(sim.mgmtUrl)
  }
  expect(status).toBe('not_started')
}, PROCESS_TEST_TIMEOUT_MS)
