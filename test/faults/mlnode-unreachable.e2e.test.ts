/**
 * A wrong MLNODE_URL (nothing listening) or an MLNode that accepts and never answers is not a
 * restarting container: the run fails within the first-contact bound (MLNODE_BENCH_FIRST_CONTACT_S),
 * naming the URL and asking whether it is right, for every variant, and sends no `down`.
 */
import { createServer as createNetServer, type Socket } from 'node:net'
import type { AddressInfo } from 'node:net'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { expect, it, onTestFinished } from 'vitest'
import type { RunResults } from '../../src/contracts/results.js'
import { PROCESS_TEST_TIMEOUT_MS } from '../timeouts.js'
import { runFixture } from './run-fixture.js'

const BOUND_S = 3
/** Before the fix each variant waited its deployTimeoutS and the run a 100 s down: this is far below. */
const DEPLOY_TIMEOUT_S = 60

async function freePort(): Promise<number> {
  const server = createNetServer()
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((r) => server.close(() => r()))
  return port
}

async function expectFailsFast(mgmtUrl: string, said: RegExp): Promise<void> {
  const run = await runFixture({ MLNODE_URL: mgmtUrl, MLNODE_BENCH_FIRST_CONTACT_S: String(BOUND_S), MLNB_FAULT_DEPLOY_TIMEOUT_S: String(DEPLOY_TIMEOUT_S), MLNB_FAULT_TWO_VARIANTS: '1' })
  expect(run.exitCode, run.output).toBe(1)
  const results = (JSON.parse(await readFile(join(run.out, 'results.json'), 'utf8')) as RunResults).results
  expect(results.map((r) => [r.variant, r.status])).toEqual([['tp1', 'failed'], ['tp2', 'failed']])
  for (const r of results) {
    expect(r.failure?.message).toMatch(said)
    expect(r.failure?.message).toMatch(/is MLNODE_URL right/)
    expect(r.failure?.message).toContain(new URL(mgmtUrl).host)
  }
  // vitest's own start-up on a busy machine included; the deploy deadline alone would be 2 x 60 s.
  expect(run.wallS).toBeLessThan(DEPLOY_TIMEOUT_S)
}

it('a MLNODE_URL with nothing listening fails every variant within the first-contact bound', async () => {
  const port = await freePort()
  await expectFailsFast(`http://127.0.0.1:${port}`, /refused every connection since the run began/)
}, PROCESS_TEST_TIMEOUT_MS)

it('an MLNode that accepts connections and never answers fails within the first-contact bound', async () => {
  const sockets = new Set<Socket>()
  const server = createNetServer((socket) => {
    sockets.add(socket)
    socket.on('error', () => undefined)
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  onTestFinished(() => new Promise<void>((r) => {
    for (const s of sockets) s.destroy()
    server.close(() => r())
  }))
  const { port } = server.address() as AddressInfo
  await expectFailsFast(`http://127.0.0.1:${port}`, /accepted connections but never answered since the run began/)
}, PROCESS_TEST_TIMEOUT_MS)
