/**
 * The load engine with its streams on worker threads (load-worker.ts): the same records as on the
 * main thread, stamps on the caller's clock, failures and aborts as records, simulated time intact.
 * Real loopback servers; the threads start from TypeScript source here (the built package's
 * compiled entry is checked by worker-threads-built.e2e.test.ts).
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { hasCode } from '../../src/errors.js'
import { workerExecArgv } from '../../src/load/load-workers.js'
import { chooseWorkerCount, loadWorkersFromEnv, runWorkload, stopIdleLoadWorkers, workerThreadsFor, type WorkloadSpec } from '../../src/load/index.js'
import type { RequestRecord } from '../../src/contracts/records.js'
import { startTestSim, up, waitFor, getJson } from '../sim/helpers.js'
import { startFakeVllm, startHttp, type FakeVllm, type Started } from './helpers/server.js'

let server: FakeVllm | Started | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})
afterAll(() => stopIdleLoadWorkers())

const base: WorkloadSpec = { name: 'w', requests: 12, prompt: { tokens: 16 }, maxTokens: 4 }

describe('worker count', () => {
  it('grows with the expected chunk rate, at most one per core and per stream', () => {
    expect(chooseWorkerCount({ streams: 1, cores: 2 })).toBe(1)
    expect(chooseWorkerCount({ streams: 64, cores: 2 })).toBe(1) // 6.4k chunks/s: one thread
    expect(chooseWorkerCount({ streams: 512, cores: 2 })).toBe(2) // 51.2k chunks/s: both cores
    expect(chooseWorkerCount({ streams: 512, cores: 16 })).toBe(3)
    expect(chooseWorkerCount({ streams: 2, cores: 16, chunksPerStreamPerS: 1e6 })).toBe(2)
    expect(chooseWorkerCount({ streams: 8, cores: 0 })).toBe(1)
  })

  it("'auto' is 0 with an injected clock or on simulated time; bad values are named", () => {
    expect(workerThreadsFor({ now: () => 0 }, 512)).toBe(0)
    expect(workerThreadsFor({ simulatedTime: true }, 512)).toBe(0)
    expect(workerThreadsFor({ workers: 3, simulatedTime: true }, 512)).toBe(3)
    expect(workerThreadsFor({}, 1)).toBe(1)
    let error: unknown
    try {
      workerThreadsFor({ workers: -1 }, 4)
    } catch (e) {
      error = e
    }
    expect(hasCode(error, 'MLNB_CONFIG')).toBe(true)
    expect(String(error)).toMatch(/workers = -1/)
    expect(loadWorkersFromEnv({})).toBe('auto')
    expect(loadWorkersFromEnv({ MLNODE_BENCH_LOAD_WORKERS: '2' })).toBe(2)
    expect(() => loadWorkersFromEnv({ MLNODE_BENCH_LOAD_WORKERS: 'many' })).toThrow(/MLNODE_BENCH_LOAD_WORKERS = "many"/)
  })
})

describe('worker node options', () => {
  it('drops the main script options a worker refuses (node -e, --input-type), keeps the rest', () => {
    expect(workerExecArgv(['--input-type=module', '-e', 'code', '--expose-gc', '--import', 'tsx', '--max-old-space-size=512'])).toEqual(['--expose-gc', '--import', 'tsx', '--max-old-space-size=512'])
    expect(workerExecArgv(['--eval=x', '-p', '1+1', '--enable-source-maps'])).toEqual(['--enable-source-maps'])
  })
})

describe('runWorkload on worker threads', () => {
  it('settles every request once, stamped on the caller clock, streams shared out over the threads', async () => {
    server = await startFakeVllm({ prefillMs: 5, tokenMs: 2 })
    const seen: RequestRecord[] = []
    const spec: WorkloadSpec = { ...base, warmupRequests: 2, arrival: { ratePerS: 300, maxConcurrency: 4 } }
    const run = await runWorkload({ baseUrl: server.url, model: 'm' }, spec, { workers: 2, onRequestDone: (r) => seen.push(r) })
    const after = performance.now()
    expect(run.workers).toBe(2)
    expect(run.workerLoopDelay?.p99Ms).toBeGreaterThanOrEqual(0)
    expect(run.records.map((r) => r.index)).toEqual([...Array(14).keys()])
    expect(seen.map((r) => r.index).sort((a, b) => a - b)).toEqual([...Array(14).keys()])
    expect(run.records.filter((r) => r.failure)).toEqual([])
    for (const r of run.records.filter((x) => !x.warmup)) {
      // Stamps of another thread, on this thread's clock: ordered within the run.
      expect(r.scheduledAtMs).toBeGreaterThanOrEqual(run.startedAtMs)
      expect(r.sentAtMs).toBeGreaterThanOrEqual(r.scheduledAtMs)
      expect(r.firstChunkAtMs!).toBeGreaterThanOrEqual(r.sentAtMs)
      expect(r.contentChunkAtMs).toHaveLength(4)
      expect(r.endAtMs).toBeLessThanOrEqual(after)
    }
    expect((server as FakeVllm).inFlightMax).toBeLessThanOrEqual(4)
  })

  it('records failures and an abort as data, like the main-thread engine', async () => {
    server = await startHttp((req, res) => {
      if (req.method === 'GET') return res.end('{"data":[]}')
      if (req.headers['content-length'] !== undefined && Number(req.headers['content-length']) % 2 === 0) {
        res.writeHead(500).end('{"error":"boom"}')
        return
      }
      setTimeout(() => res.writeHead(500).end('{"error":"late"}'), 5_000)
    })
    const controller = new AbortController()
    setTimeout(() => controller.abort(), 400)
    const run = await runWorkload({ baseUrl: server.url, model: 'm' }, { ...base, requests: 8, concurrency: 3 }, { workers: 1, signal: controller.signal })
    expect(run.records).toHaveLength(8)
    const reasons = new Set(run.records.map((r) => r.failure?.reason))
    expect([...reasons].every((r) => r === 'http_status' || r === 'aborted')).toBe(true)
    expect(reasons.has('aborted')).toBe(true)
    for (const r of run.records.filter((x) => x.failure?.reason === 'http_status')) expect(r.failure?.message).toMatch(/HTTP 500: \{"error":"boom"\}/)
  })

  it('keeps the simulated-time protocol: the same records as on the main thread', async () => {
    const sim = await startTestSim({ clock: 'virtual', eosPerToken: 0 })
    expect((await up(sim, 'test/model', ['-tp', '4'])).status).toBe(200)
    await waitFor(async () => ((await getJson(`${sim.inferenceUrl}/health`)).status === 200 ? true : undefined), 'health')
    const target = { baseUrl: sim.inferenceUrl, model: 'test/model' }
    const spec: WorkloadSpec = { name: 'open', requests: 10, warmupRequests: 1, arrival: { ratePerS: 30, maxConcurrency: 4 }, prompt: { tokens: 200 }, maxTokens: 20 }
    const times = (records: readonly RequestRecord[]) => records.map((r) => ({ i: r.index, sent: r.sentAtMs, first: r.firstChunkAtMs, chunks: r.contentChunkAtMs, end: r.endAtMs, failure: r.failure?.message }))
    const main = await runWorkload(target, spec, { simulatedTime: true })
    const threads = await runWorkload(target, spec, { simulatedTime: true, workers: 2 })
    expect(main.workers).toBe(0)
    expect(threads.workers).toBe(2)
    expect(main.records.filter((r) => r.failure)).toEqual([])
    expect(times(threads.records)).toEqual(times(main.records))
    expect(threads.startedAtMs).toBe(0)
    expect(threads.endedAtMs).toBe(main.endedAtMs)
  })
})
