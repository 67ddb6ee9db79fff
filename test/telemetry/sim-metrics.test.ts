import { describe, expect, it } from 'vitest'
import { startServerTelemetry } from '../../src/telemetry/sampler.js'
import { readMetricsPage } from '../../src/telemetry/read-page.js'
import { postJson, startTestSim, testPlanner, up } from '../sim/helpers.js'
import { testPlan } from '../sim/plan.js'

describe("the simulator's vLLM /metrics page", () => {
  it('shows a workload that overloads the KV cache: full cache, a queue and preemptions', async () => {
    // One replica with 40 KV blocks of 16 tokens (640 tokens): 8 requests of about 120 prompt tokens (8 blocks): five are admitted together, then outgrow it as they decode 200 tokens each.
    // The wall clock (20x), so the eight requests are in the engine together.
    const sim = await startTestSim({
      clock: 'wall',
      speed: 20,
      resolveVariant: (request, hardware) => {
        const planned = testPlanner(request, hardware)
        return planned.plan ? { ...planned, instances: 1, plan: testPlan({ maxModelLen: 640 }, 40) } : planned
      },
    })
    await up(sim, 'test/model', ['-tp', '8'])
    const recorder = startServerTelemetry([`${sim.inferenceUrl}/metrics`], { intervalS: 0.005 })
    const body = { model: 'test/model', messages: [{ role: 'user', content: 'abcd '.repeat(60) }], max_tokens: 200, ignore_eos: true, stream: true }
    await Promise.all(Array.from({ length: 8 }, () => postJson(`${sim.inferenceUrl}/v1/chat/completions`, body).then((r) => r.text())))
    const t = await recorder.stop()
    expect(t.unavailable).toEqual([])
    expect(t.metricNames).toMatchObject({ kvCacheUsage: 'vllm:kv_cache_usage_perc', preemptions: 'vllm:num_preemptions_total', running: 'vllm:num_requests_running' })
    // Counters are exact: every output token, and the preemptions the scheduler made.
    expect(t.generationTokens).toBe(8 * 200)
    expect(t.preemptions).toBeGreaterThan(0)
    // Sampled gauges: the cache filled up and requests queued behind it.
    expect(t.kvCacheUsagePeak).toBeGreaterThan(0.8)
    expect(t.waitingPeak).toBeGreaterThan(0)
    // A final page after the load: idle, nothing running or waiting.
    const idle = readMetricsPage(await (await fetch(`${sim.inferenceUrl}/metrics`)).text())
    expect(idle.running?.values).toEqual([0])
    expect(idle.waiting?.values).toEqual([0])
    expect(idle.preemptions!.values[0]).toBe(t.preemptions)
  })

  it('lists no engine before a deploy, as vLLM before its first step', async () => {
    const sim = await startTestSim({ clock: 'virtual' })
    const res = await fetch(`${sim.inferenceUrl}/metrics`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/)
    const text = await res.text()
    expect(text).toContain('# TYPE vllm:num_preemptions_total counter')
    expect(readMetricsPage(text).running?.values ?? []).toEqual([])
  })
})
