import { readFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { readMetricsPage } from '../../src/telemetry/read-page.js'
import { startServerTelemetry } from '../../src/telemetry/sampler.js'

const page = (version: '0.8' | '0.11') => readFileSync(new URL(`../fixtures/metrics/vllm-${version}.txt`, import.meta.url), 'utf8')

/** A page with its placeholders filled. */
function fill(text: string, values: Record<string, number>): string {
  return text.replace(/\{([A-Z]+)\}/g, (_, k: string) => {
    const v = values[k] ?? 0
    return Number.isInteger(v) ? `${v}.0` : String(v)
  })
}

const servers: Server[] = []
afterEach(async () => {
  await Promise.all(
    servers.splice(0).map((s) => {
      s.closeAllConnections()
      return new Promise((r) => s.close(r))
    }),
  )
})

/** A loopback server answering each GET with the next page (the last one repeats). */
async function serve(pages: readonly string[], status = 200): Promise<string> {
  let n = 0
  const server = createServer((_req, res) => {
    const body = pages[Math.min(n++, pages.length - 1)]!
    res.writeHead(status, { 'content-type': 'text/plain; version=0.0.4' })
    res.end(body)
  })
  servers.push(server)
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`
}

describe('reading vLLM /metrics pages', () => {
  it('reads both naming generations and says which name it found', () => {
    const old = readMetricsPage(fill(page('0.8'), { KV: 1, RUNNING: 3 }))
    const now = readMetricsPage(fill(page('0.11'), { KV: 1, RUNNING: 3 }))
    expect(old.kvCacheUsage).toEqual({ name: 'vllm:gpu_cache_usage_perc', values: [1] })
    expect(now.kvCacheUsage).toEqual({ name: 'vllm:kv_cache_usage_perc', values: [1] })
    expect(old.prefixQueries?.name).toBe('vllm:gpu_prefix_cache_queries_total')
    expect(now.prefixQueries?.name).toBe('vllm:prefix_cache_queries_total')
    expect(old.specDraftTokens).toBeUndefined()
    expect(now.specAcceptedTokens?.name).toBe('vllm:spec_decode_num_accepted_tokens_total')
    expect(now.running).toEqual({ name: 'vllm:num_requests_running', values: [3] })
  })
})

describe('server telemetry over a workload', () => {
  it('samples the gauges and takes the counters as increases, for either vLLM version', async () => {
    for (const version of ['0.8', '0.11'] as const) {
      // Start, two busy samples, end: the counters grow from their values before the workload.
      const pages = [
        { KV: 0.1, RUNNING: 0, WAITING: 0, PREEMPTIONS: 5, QUERIES: 1000, HITS: 100, PROMPT: 2000, GENERATION: 50, DRAFT: 10, ACCEPTED: 5 },
        { KV: 0.9, RUNNING: 8, WAITING: 4, PREEMPTIONS: 7, QUERIES: 3000, HITS: 600, PROMPT: 4000, GENERATION: 250, DRAFT: 110, ACCEPTED: 75 },
        { KV: 0.5, RUNNING: 6, WAITING: 2, PREEMPTIONS: 9, QUERIES: 5000, HITS: 1100, PROMPT: 6000, GENERATION: 450, DRAFT: 210, ACCEPTED: 145 },
      ].map((v) => fill(page(version), v))
      const url = await serve(pages)
      const recorder = startServerTelemetry([url], { intervalS: 0.02 })
      await new Promise((r) => setTimeout(r, 120))
      const t = await recorder.stop()
      expect(t.samples).toBeGreaterThanOrEqual(3)
      expect(t.kvCacheUsagePeak).toBe(0.9)
      expect(t.waitingPeak).toBe(4)
      expect(t.preemptions).toBe(4)
      expect(t.promptTokens).toBe(4000)
      expect(t.generationTokens).toBe(400)
      expect(t.prefixCacheHitRate).toBeCloseTo(1000 / 4000)
      if (version === '0.11') expect(t.specDecodeAcceptanceRate).toBeCloseTo(140 / 200)
      else expect(t.specDecodeAcceptanceRate).toBeUndefined()
      expect(t.metricNames.kvCacheUsage).toBe(version === '0.8' ? 'vllm:gpu_cache_usage_perc' : 'vllm:kv_cache_usage_perc')
      expect(t.unavailable).toEqual([])
      expect(t.series.at(-1)).toMatchObject({ kvCacheUsage: 0.5, running: 6, waiting: 2 })
    }
  })

  it('names a page it cannot read and a page without vLLM figures, and still summarises the others', async () => {
    const good = await serve([fill(page('0.11'), { KV: 0.4, RUNNING: 2 })])
    const missing = await serve(['not found'], 404)
    const other = await serve(['# TYPE process_cpu_seconds_total counter\nprocess_cpu_seconds_total 12.5\n'])
    const t = await startServerTelemetry([good, missing, other], { intervalS: 1 }).stop()
    expect(t.sources).toBe(3)
    expect(t.kvCacheUsagePeak).toBe(0.4)
    expect(t.unavailable).toContain(`${missing}: HTTP 404`)
    expect(t.unavailable).toContain(`${other}: no vLLM figures on the page`)
    expect(t.runningMean).toBe(2)
  })

  it('bounds a page that never answers, and reports that nothing could be read', async () => {
    const server = createServer(() => {})
    servers.push(server)
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`
    const started = performance.now()
    const t = await startServerTelemetry([url], { intervalS: 10, timeoutS: 0.2 }).stop()
    expect(performance.now() - started).toBeLessThan(5_000)
    expect(t.unavailable.some((u) => u.startsWith(`${url}: no answer within 0.2 s`))).toBe(true)
    expect(t.kvCacheUsagePeak).toBeUndefined()
  })

  it('says why there are no pages at all', async () => {
    const t = await startServerTelemetry([], {}, ["MLNode's proxy forwards only /v1/*"]).stop()
    expect(t).toMatchObject({ sources: 0, samples: 0, unavailable: ["MLNode's proxy forwards only /v1/*"] })
  })
})
