/**
 * Real /metrics pages of two vLLM generations, as their users pasted them into public GitHub issues
 * (test/fixtures/metrics/recorded/README.md cites each), served from a loopback server and sampled
 * as a run samples a replica.
 */
import { readFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it, onTestFinished } from 'vitest'
import { startServerTelemetry } from '../../src/telemetry/sampler.js'
import { telemetryLine } from '../../src/report/telemetry-text.js'
import type { BenchResult, TargetInfo } from '../../src/contracts/results.js'
import { runBench } from '../../src/run/run-bench.js'
import { resolveSuiteOptions } from '../../src/run/suite-options.js'
import type { DeployRequest, Target } from '../../src/run/target.js'
import { renderComparison } from '../../src/report/comparison.js'
import { startFakeVllm } from '../load/helpers/server.js'

const recorded = (file: string) => readFileSync(new URL(`../fixtures/metrics/recorded/${file}`, import.meta.url), 'utf8')

const servers: Server[] = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => (s.closeAllConnections(), new Promise((r) => s.close(r)))))
})

async function serve(page: string): Promise<string> {
  const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }).end(page))
  servers.push(server)
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`
}

const resultWith = (serverTelemetry: BenchResult['serverTelemetry']): BenchResult => ({ model: 'm', variant: 'v', workload: 'w', file: 'f', status: 'passed', target: { kind: 'openai', hardware: 'unknown' }, args: [], ...(serverTelemetry ? { serverTelemetry } : {}) }) as BenchResult

describe('recorded vLLM /metrics pages of two versions', () => {
  it('reads KV use and the queue from a page of the names before vLLM 0.9, and says which names it found', async () => {
    const url = await serve(recorded('production-stack-318.prom'))
    const t = await startServerTelemetry([url], { intervalS: 10 }).stop()
    expect(t.metricNames).toEqual({ kvCacheUsage: 'vllm:gpu_cache_usage_perc', running: 'vllm:num_requests_running', waiting: 'vllm:num_requests_waiting' })
    expect(t).toMatchObject({ kvCacheUsagePeak: 0, waitingPeak: 0, runningMean: 0 })
    // This page has no preemption counter (it was cut where the user's paste ends): said, not guessed.
    expect(t.preemptions).toBeUndefined()
    expect(t.unavailable).toContain('preemptions: none of vllm:num_preemptions_total, vllm:num_preemptions on the page')
    const line = telemetryLine(resultWith(t))!
    expect(line).toContain('older vLLM names: vllm:gpu_cache_usage_perc')
    expect(line).toContain('queue peak 0')
  })

  it("reads KV use from vLLM 0.10.0's page, which serves the new name beside deprecated ones", async () => {
    const url = await serve(recorded('production-stack-617-vllm-0.10.0.prom'))
    const t = await startServerTelemetry([url], { intervalS: 10 }).stop()
    expect(t.metricNames.kvCacheUsage).toBe('vllm:kv_cache_usage_perc')
    expect(t.kvCacheUsagePeak).toBeCloseTo(9.75010481363281e-6, 15)
    // The new prefix-cache query counter is preferred; hits only exist under the deprecated name here.
    expect(t.metricNames.prefixQueries).toBe('vllm:prefix_cache_queries_total')
    expect(t.metricNames.prefixHits).toBe('vllm:gpu_prefix_cache_hits_total')
    // The `_created` gauges prometheus_client adds are not mistaken for the counters.
    expect(Object.values(t.metricNames).some((n) => n.endsWith('_created'))).toBe(false)
    expect(t.unavailable).toEqual(expect.arrayContaining([expect.stringMatching(/^running: /), expect.stringMatching(/^waiting: /), expect.stringMatching(/^preemptions: /)]))
    expect(telemetryLine(resultWith(t))).toContain('older vLLM names: vllm:gpu_prefix_cache_hits_total')
  })

  it('summarises replicas of both generations side by side (one page each)', async () => {
    const urls = [await serve(recorded('production-stack-318.prom')), await serve(recorded('production-stack-617-vllm-0.10.0.prom'))]
    const t = await startServerTelemetry(urls, { intervalS: 10 }).stop()
    expect(t.sources).toBe(2)
    expect(t.kvCacheUsagePeak).toBeCloseTo(9.75010481363281e-6, 15)
    // The first page's spelling is the one named; each page's figures are still read.
    expect(t.metricNames.kvCacheUsage).toBe('vllm:gpu_cache_usage_perc')
    expect(t.waitingPeak).toBe(0)
  })
})

describe('a run whose replicas serve the recorded pages', () => {
  it('each workload result carries their KV use and queue, the names found, and what the pages lacked', async () => {
    const vllm = await startFakeVllm({ prefillMs: 5, tokenMs: 1 })
    onTestFinished(() => vllm.close())
    const urls = [await serve(recorded('production-stack-318.prom')), await serve(recorded('production-stack-617-vllm-0.10.0.prom'))]
    const info: TargetInfo = { kind: 'openai', hardware: 'unknown' }
    const target: Target = {
      describe: async () => ({ info, gpuCount: 0 }),
      prepare: async () => {},
      ready: async () => ({ target: info }),
      endpoint: () => ({ inferenceUrl: vllm.url }),
      metricsSources: () => ({ urls, unavailable: [] }),
      close: async () => {},
    }
    const suite = resolveSuiteOptions({ model: 'Qwen/QwQ-32B', mandatoryArgs: [], variants: {}, workloads: [], telemetryIntervalS: 0.05 })
    const request: DeployRequest = { model: suite.model, dtype: 'auto', variant: { name: 'served', mlnodeArgs: [], tp: 1, pp: 1 } as unknown as DeployRequest['variant'], deployTimeoutS: 60 }
    for (const name of ['chat', 'long']) {
      const { result, error } = await runBench({ suite, source: 'bench.ts', targetKind: 'mlnode', request, spec: { name, requests: 4, concurrency: 2, prompt: { tokens: 100 }, maxTokens: 8 }, target })
      expect(error).toBeUndefined()
      expect(result.serverTelemetry).toMatchObject({ sources: 2, kvCacheUsagePeak: 9.75010481363281e-6, waitingPeak: 0, metricNames: { kvCacheUsage: 'vllm:gpu_cache_usage_perc', waiting: 'vllm:num_requests_waiting' } })
      expect(result.serverTelemetry!.unavailable).toContain('preemptions: none of vllm:num_preemptions_total, vllm:num_preemptions on the page')
      expect(renderComparison([result])).toMatch(/served server \(vLLM \/metrics, 2 pages, \d+ samples\): KV use peak [\d.e-]+ %.*queue peak 0.*older vLLM names: vllm:gpu_cache_usage_perc/)
    }
  })
})
