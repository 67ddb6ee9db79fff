/**
 * Hangs of the load: an inference server that accepts and never answers, or answers a byte now
 * and then (slow loris), ends the workload at workloadTimeoutS, not at an idle or request
 * timeout of minutes, also on Node 20 with the garbage collector running (measure-child.ts).
 */
import { join } from 'node:path'
import { execa } from 'execa'
import { expect, it, onTestFinished } from 'vitest'
import { startRaw } from '../load/helpers/server.js'
import { repo } from './run-fixture.js'

const TIMEOUT_S = 4
/** Start-up of tsx on a busy 2-core machine plus the bound: past this the bound did not hold. */
const CHILD_LIMIT_MS = 60_000

async function measureAgainst(url: string, workers = '0'): Promise<{ elapsedS: number; timedOutAfterS?: number; requests: { total: number; failed: number } }> {
  const r = await execa(process.execPath, ['--expose-gc', '--import', 'tsx', join(repo, 'test/faults/helpers/measure-child.ts'), url, String(TIMEOUT_S)], { cwd: repo, timeout: CHILD_LIMIT_MS, reject: false, env: { MLNODE_BENCH_LOAD_WORKERS: workers } })
  expect(r.timedOut, `the workload did not end within ${CHILD_LIMIT_MS / 1000} s: ${r.stderr}`).toBe(false)
  expect(r.exitCode, r.stderr).toBe(0)
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as never
}

it.each(['0', '1'])('a server that accepts and never answers ends the workload at its bound (%s load worker threads)', async (workers) => {
  const server = await startRaw(() => undefined)
  onTestFinished(() => server.close())
  const r = await measureAgainst(server.url, workers)
  expect(r.timedOutAfterS).toBe(TIMEOUT_S)
  expect(r.elapsedS).toBeGreaterThanOrEqual(TIMEOUT_S - 0.1)
  expect(r.elapsedS).toBeLessThan(TIMEOUT_S + 5)
  expect(r.requests.failed).toBe(r.requests.total)
}, 90_000)

it('a slow-loris server (a byte every 300 ms, headers and body) ends the workload at its bound', async () => {
  const server = await startRaw((socket) => {
    const head = 'HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n'
    let i = 0
    const drip = setInterval(() => {
      if (socket.destroyed) return clearInterval(drip)
      // The head a byte at a time, then SSE comment bytes, one chunk each: never a token.
      socket.write(i < head.length ? head[i]! : '1\r\n:\r\n')
      i++
    }, 300)
    socket.on('close', () => clearInterval(drip))
  })
  onTestFinished(() => server.close())
  const r = await measureAgainst(server.url)
  expect(r.timedOutAfterS).toBe(TIMEOUT_S)
  expect(r.elapsedS).toBeLessThan(TIMEOUT_S + 5)
}, 90_000)
