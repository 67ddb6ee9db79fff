/** The simulator on src/model's real plans (default planner): layouts, start-up failures, invariants. */
import { describe, expect, it, onTestFinished } from 'vitest'
import { startSimulator } from '../../src/sim/index.js'
import { VirtualClock } from '../../src/sim/virtual-clock.js'
import { Engine, type StepInfo } from '../../src/sim/engine.js'
import { defaultVariantResolver } from '../../src/sim/resolve-variant.js'
import { createRng } from '../../src/sim/rng.js'
import { getJson, parseSse, postJson } from './helpers.js'

const MANDATORY = ['--kv-cache-dtype', 'fp8', '--quantization', 'fp8']

describe('simulator on the real performance model', () => {
  it('deploys QwQ-32B TP4/PP2 on 8x RTX 4070 Ti SUPER as one instance and serves it', async () => {
    const sim = await startSimulator({ clock: 'virtual' })
    onTestFinished(() => sim.close())
    const res = await postJson(`${sim.mgmtUrl}/api/v1/inference/up`, { model: 'Qwen/QwQ-32B', dtype: 'float16', additional_args: [...MANDATORY, '--tensor-parallel-size', '4', '--pipeline-parallel-size', '2'] })
    expect(await res.json()).toEqual({ status: 'OK' })
    expect(sim.logs()).toContain('instances to start: 1')
    expect((await getJson(`${sim.mgmtUrl}/api/v1/inference/pow/status`)).body.backends).toHaveLength(1)
    const stream = await postJson(`${sim.inferenceUrl}/v1/chat/completions`, { model: 'Qwen/QwQ-32B', messages: [{ role: 'user', content: 'word '.repeat(2000) }], max_tokens: 20, stream: true, stream_options: { include_usage: true } })
    const events = parseSse(await stream.text()) as Array<{ usage?: { prompt_tokens: number } } | string>
    expect(events.at(-1)).toBe('[DONE]')
    expect((events.at(-2) as { usage: { prompt_tokens: number } }).usage.prompt_tokens).toBe(2000 * 2 + 8) // 'word' is no common single-token word: 2 bytes per token
  })

  it.each([
    ['TP not dividing the 40 heads', ['-tp', '3'], 'must be divisible by tensor parallel size'],
    ['weights not fitting one 16 GB GPU', [], 'CUDA out of memory'],
    ['TP*PP above the GPU count', ['-tp', '8', '-pp', '2'], 'exceeds the 8 GPUs'],
  ])('fails like vLLM for %s; MLNode v0.2.12 stays healthy and down clears it', async (_name, extra, reason) => {
    const sim = await startSimulator({ clock: 'virtual' })
    onTestFinished(() => sim.close())
    const res = await postJson(`${sim.mgmtUrl}/api/v1/inference/up`, { model: 'Qwen/QwQ-32B', dtype: 'float16', additional_args: [...MANDATORY, ...extra] })
    expect(res.status).toBe(500)
    expect(await res.json()).toEqual({ detail: 'vLLM process exited prematurely: None' })
    expect(sim.logs().some((l) => l.includes(reason))).toBe(true)
    expect((await getJson(`${sim.mgmtUrl}/health`)).status).toBe(200)
    await postJson(`${sim.mgmtUrl}/api/v1/inference/down`, {})
    expect((await getJson(`${sim.mgmtUrl}/api/v1/state`)).body).toEqual({ state: 'STOPPED' })
    expect(sim.logs()).not.toContain('MLNode exited; container restarting')
  })

  it('keeps scheduler invariants and determinism under a KV-overcommitting closed loop', () => {
    const variant = defaultVariantResolver({ model: 'Qwen/QwQ-32B', dtype: 'float16', additionalArgs: [...MANDATORY, '-tp', '8'] }, '8xrtx-4070-ti-super')
    const plan = variant.plan!
    const run = () => {
      const clock = new VirtualClock()
      const rng = createRng(7)
      const steps: StepInfo[] = []
      const produced = new Map<string, number>()
      const times: number[] = []
      const wanted = new Map<string, number>()
      let next = 0
      const total = 60
      const engine: Engine = new Engine(plan, clock, {
        onStep: (s) => steps.push(s),
        onToken: (r, count, atS) => {
          produced.set(r.id, count)
          times.push(atS)
        },
        onFinish: (_r, atS) => send(atS),
      })
      const send = (atS: number) => {
        if (next >= total) return
        const id = `r${next++}`
        // compressa-perf experiment 5-like: ~23k-token prompts, up to 1000 tokens out.
        const request = { id, promptTokens: 18_000 + Math.floor(rng() * 8000), outputTokens: 200 + Math.floor(rng() * 800) }
        wanted.set(id, request.outputTokens)
        engine.add(request, atS)
      }
      for (let i = 0; i < 40; i++) send(0)
      clock.drain()
      return { steps, produced, wanted, times, stats: engine.stats }
    }
    const a = run()
    for (const s of a.steps) {
      expect(s.running).toBeLessThanOrEqual(plan.engine.maxNumSeqs)
      expect(s.scheduledTokens).toBeLessThanOrEqual(plan.engine.maxNumBatchedTokens)
      expect(s.usedBlocks).toBeLessThanOrEqual(plan.kvBlocks)
    }
    expect(a.stats.preemptions).toBeGreaterThan(0)
    expect(a.stats.finished).toBe(60)
    for (const [id, n] of a.wanted) expect(a.produced.get(id)).toBe(n)
    const b = run()
    expect(b.times).toEqual(a.times)
  })
})
