import { readFile } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'
import { parseMooncakeTrace } from '../../src/load/datasets/mooncake.js'
import { simulatedWorkload } from '../../src/planner/predict-core.js'

const samplePath = (name: string): string => new URL(`../../benchmarks/workloads/datasets/${name}`, import.meta.url).pathname

describe('predict with dataset prompts', () => {
  it('replays a trace as an open loop at its timestamps with its recorded lengths', async () => {
    const file = samplePath('mooncake-trace-sample.jsonl')
    const trace = parseMooncakeTrace(file, await readFile(file, 'utf8'))
    const w = await simulatedWorkload({ name: 't', requests: trace.length, prompt: { mooncakeTrace: file, timeScale: 2 }, maxTokens: 1 })
    expect(w.concurrency).toBeUndefined()
    expect(w.requests).toEqual(trace.map((r) => ({ arrivalS: ((r.timestampMs - trace[0]!.timestampMs) * 2) / 1000, promptTokens: r.inputLength, outputTokens: r.outputLength })))
  })

  it('gives ShareGPT requests their own prompt and answer lengths in a closed loop', async () => {
    const w = await simulatedWorkload({ name: 's', requests: 5, concurrency: 2, prompt: { sharegpt: samplePath('sharegpt-sample.json') }, maxTokens: 7 })
    expect(w.concurrency).toBe(2)
    expect(new Set(w.requests.map((r) => r.promptTokens)).size).toBeGreaterThan(1)
    expect(w.requests.every((r) => r.outputTokens >= 4 && r.arrivalS === undefined)).toBe(true)
  })
})
