/**
 * Ctrl-C while a PoC workload generates, against an MLNode (the simulator as MLNODE_URL, behind a
 * recording proxy): the detached handler sends `pow/stop` and then `down` after Vitest is gone.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { execa } from 'execa'
import { expect, it, onTestFinished } from 'vitest'
import { startSimulator } from '../../src/sim/index.js'
import { CHILD_TIMEOUT_MS, PROCESS_TEST_TIMEOUT_MS } from '../timeouts.js'

const repo = fileURLToPath(new URL('../../', import.meta.url))
const vitestBin = join(repo, 'node_modules', 'vitest', 'vitest.mjs')

/** Forwards every call to `target`, noting `METHOD path` in order. */
async function recordingProxy(target: string): Promise<{ url: string; calls: string[] }> {
  const calls: string[] = []
  const server = createServer((req, res) => {
    calls.push(`${req.method} ${req.url}`)
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const body = chunks.length > 0 ? Buffer.concat(chunks) : undefined
      fetch(`${target}${req.url}`, { method: req.method, headers: { 'content-type': 'application/json' }, ...(body && req.method !== 'GET' ? { body } : {}) })
        .then(async (r) => {
          res.writeHead(r.status, { 'content-type': 'application/json' })
          res.end(Buffer.from(await r.arrayBuffer()))
        })
        .catch(() => res.destroy())
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
  onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, calls }
}

it('Ctrl-C during a PoC workload: pow/stop, then down, reach the node after vitest exits', async () => {
  const sim = await startSimulator({ clock: 'virtual', hardware: '4xrtx-3090' })
  onTestFinished(() => sim.close())
  const proxy = await recordingProxy(sim.mgmtUrl)
  const out = await mkdtemp(join(tmpdir(), 'mlnb-poc-int-'))
  onTestFinished(() => rm(out, { recursive: true, force: true }))
  const run = execa(process.execPath, [vitestBin, 'bench', '--run', '--config', 'test/fixtures/suites/vitest.config.ts', 'suites/poc', '-t', 'tp1 › poc'], {
    cwd: repo,
    reject: false,
    timeout: CHILD_TIMEOUT_MS,
    env: { MLNB_TEST_OUT: out, MLNODE_URL: proxy.url, INFERENCE_URL: sim.inferenceUrl, NO_COLOR: '1', FORCE_COLOR: '0' },
  })
  let output = ''
  run.stdout!.on('data', (c: Buffer) => (output += c.toString()))
  run.stderr!.on('data', (c: Buffer) => (output += c.toString()))
  // Interrupt once generation started on the node.
  const started = setInterval(() => {
    if (proxy.calls.includes('POST /api/v1/inference/pow/init/generate') && !run.killed) run.kill('SIGINT')
  }, 20)
  await run
  clearInterval(started)
  expect(proxy.calls, output).toContain('POST /api/v1/inference/pow/init/generate')
  expect(output).toMatch(/SIGINT: taking the deployment on http:\/\/127\.0\.0\.1:\d+ down in the background/)
  const afterInit = () => proxy.calls.slice(proxy.calls.indexOf('POST /api/v1/inference/pow/init/generate') + 1)
  const deadline = Date.now() + 60_000
  while (!afterInit().includes('POST /api/v1/inference/down') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100))
  const tail = afterInit()
  expect(tail).toContain('POST /api/v1/inference/pow/stop')
  expect(tail.indexOf('POST /api/v1/inference/pow/stop')).toBeLessThan(tail.indexOf('POST /api/v1/inference/down'))
}, PROCESS_TEST_TIMEOUT_MS)
