/**
 * MLNODE_BENCH_TARGET=openai: real vitest measures a plain OpenAI-compatible server on loopback
 * (a vLLM-format stream, key checked). Nothing is deployed; the key reaches the server and never
 * the output; an as-deployed variant, or one endpoint per variant.
 */
import { readFile } from 'node:fs/promises'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { execa } from 'execa'
import { expect, it, onTestFinished } from 'vitest'
import type { RunResults } from '../../src/contracts/results.js'
import { startHttp, vllmChatEvents, writeEvents } from '../load/helpers/server.js'

const repo = fileURLToPath(new URL('../../', import.meta.url))
const vitestBin = join(repo, 'node_modules', 'vitest', 'vitest.mjs')
const KEY = 'sk-test-0123456789abcdef'

/** An OpenAI server answering only with the right key; counts what each endpoint served. */
async function openAiServer() {
  let served = 0
  const server = await startHttp((req, res) => {
    if (req.headers.authorization !== `Bearer ${KEY}`) {
      res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"bad key"}')
      return
    }
    // This server has no Prometheus page: the run's telemetry must say so, not fail.
    if (req.url === '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found')
      return
    }
    if (req.url?.endsWith('/models')) {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"object":"list","data":[]}')
      return
    }
    served++
    void writeEvents(res, vllmChatEvents(['a', 'b', 'c', 'd', 'e'], 50), 2)
  })
  onTestFinished(() => new Promise<void>((r) => server.server.close(() => r())))
  return { url: server.url, served: () => served }
}

async function bench(env: Record<string, string>) {
  const out = await mkdtemp(join(tmpdir(), 'mlnb-openai-'))
  onTestFinished(() => rm(out, { recursive: true, force: true }))
  const r = await execa(process.execPath, [vitestBin, 'bench', '--run', '--config', 'test/fixtures/suites/vitest.config.ts', 'openai-target'], {
    cwd: repo,
    reject: false,
    timeout: 120_000,
    env: { MLNB_TEST_OUT: out, MLNODE_URL: '', MLNODE_BENCH_TARGET: 'openai', OPENAI_API_KEY: KEY, NO_COLOR: '1', FORCE_COLOR: '0', ...env },
  })
  const output = `${r.stdout}\n${r.stderr}`
  const results = JSON.parse(await readFile(join(out, 'results.json'), 'utf8')) as RunResults
  return { exitCode: r.exitCode, output, results: results.results }
}

it('measures the running server as deployed, sends the key, never prints it', async () => {
  const server = await openAiServer()
  const r = await bench({ INFERENCE_URL: server.url })
  expect(r.exitCode, r.output).toBe(0)
  expect(r.results.map((x) => [x.variant, x.status, x.target.kind, x.metrics?.requests.completed])).toEqual([['as-deployed', 'passed', 'openai', 6]])
  expect(server.served()).toBe(6)
  expect(r.results[0]!.serverTelemetry?.unavailable).toContain(`${server.url}/metrics: HTTP 404`)
  expect(r.output).toContain('target OpenAI-compatible server')
  expect(r.output).not.toContain(KEY)
}, 150_000)

it('measures each variant at its own endpoint; a wrong key fails the workload with the 401', async () => {
  const a = await openAiServer()
  const b = await openAiServer()
  const r = await bench({ INFERENCE_URL: a.url, MLNB_TEST_ENDPOINTS: JSON.stringify({ tp1: a.url, tp2: b.url }) })
  expect(r.exitCode, r.output).toBe(0)
  expect(r.results.map((x) => [x.variant, x.status])).toEqual([['tp1', 'passed'], ['tp2', 'passed']])
  expect([a.served(), b.served()]).toEqual([6, 6])
  const wrong = await bench({ INFERENCE_URL: a.url, OPENAI_API_KEY: 'sk-wrong' })
  expect(wrong.exitCode).toBe(1)
  expect(wrong.results[0]!.failure?.message).toMatch(/HTTP 401/)
  expect(wrong.output).not.toContain('sk-wrong')
}, 200_000)
