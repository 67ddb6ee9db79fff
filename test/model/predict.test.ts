import { afterEach, describe, expect, it, vi } from 'vitest'
import { predictWorkloads, run, splitArgString } from '../../src/cli/commands/predict.js'
import { compressaDefaultConfigPath } from '../../src/load/index.js'
import { feasibility, getModelSpec, instancesPerServer, listHardwareProfiles, modelInstance, resolveEngineConfig } from '../../src/model/index.js'

const EXAMPLE_MODELS: Array<[string, Record<string, string>]> = [
  ['Qwen/QwQ-32B', { quantization: 'fp8', 'kv-cache-dtype': 'fp8' }],
  ['Qwen/Qwen2.5-7B-Instruct', { quantization: 'fp8' }],
  ['Qwen/Qwen3-32B-FP8', {}],
  ['Qwen/Qwen3-235B-A22B-Instruct-2507-FP8', { 'max-model-len': '240000' }],
  ['meta-llama/Llama-3.1-8B', { 'max-model-len': '32768' }],
  ['meta-llama/Llama-3.1-70B', { 'max-model-len': '32768' }],
]
const LAYOUTS: Array<[number, number]> = [[1, 1], [2, 1], [4, 1], [8, 1], [4, 2], [2, 4], [1, 8]]

describe('every hardware profile x example model gets an answer', () => {
  for (const hw of listHardwareProfiles()) {
    it(hw.id, () => {
      for (const [modelId, extra] of EXAMPLE_MODELS) {
        const model = getModelSpec(modelId)
        const engines = LAYOUTS.filter(([tp, pp]) => tp * pp <= hw.gpuCount).map(([tp, pp]) =>
          resolveEngineConfig(new Map([...Object.entries(extra), ['tensor-parallel-size', String(tp)], ['pipeline-parallel-size', String(pp)]]), model, hw, 'float16'))
        const feasible = engines.find((e) => feasibility(hw, model, e).length === 0)
        if (feasible === undefined) {
          // No layout fits: the answer is vLLM's start-up error, never a crash.
          expect(() => modelInstance(hw, model, engines[engines.length - 1]!)).toThrow(expect.objectContaining({ code: 'MLNB_MODEL' }))
          continue
        }
        const plan = modelInstance(hw, model, feasible)
        const [p] = predictWorkloads({ plan, instances: instancesPerServer(hw, feasible), workloads: [{ name: 'w', requests: Array.from({ length: 8 }, () => ({ promptTokens: 1000, outputTokens: 50 })), concurrency: 4 }] })
        expect(p!.metrics.requests.failed, `${hw.id} ${modelId}`).toBe(0)
        expect(p!.figures.ttft_mean_ms).toBeGreaterThan(0)
        expect(p!.figures.tpot_mean_ms).toBeGreaterThan(0)
        expect(p!.figures.output_tokens_per_s).toBeGreaterThan(0)
      }
    })
  }
})

describe('predict command', () => {
  afterEach(() => {
    vi.restoreAllMocks()
  })

  it('splits an args string like a shell', () => {
    expect(splitArgString(`-tp 4 --x="a b" 'c d'  e`)).toEqual(['-tp', '4', '--x=a b', 'c d', 'e'])
  })

  it('prints one JSON object per compressa experiment, labelled a prediction', async () => {
    const out: string[] = []
    vi.spyOn(console, 'log').mockImplementation((line: unknown) => void out.push(String(line)))
    const code = await run(['--model', 'Qwen/QwQ-32B', '--args', '-tp 4 -pp 2 --quantization fp8 --kv-cache-dtype fp8', '--workloads', compressaDefaultConfigPath, '--json'])
    expect(code).toBe(0)
    const body = JSON.parse(out.join('\n')) as { prediction: boolean; tp: number; pp: number; experiments: Array<Record<string, number | string>> }
    expect(body).toMatchObject({ prediction: true, tp: 4, pp: 2 })
    expect(body.experiments).toHaveLength(6)
    for (const e of body.experiments) {
      for (const key of ['ttft_mean_ms', 'ttft_p99_ms', 'tpot_mean_ms', 'itl_p99_ms', 'e2el_mean_ms', 'input_tokens_per_s', 'output_tokens_per_s', 'request_per_s']) {
        expect(e[key], key).toBeGreaterThan(0)
      }
    }
  })

  it('is deterministic and fails infeasible variants with vLLM\'s message', async () => {
    const out: string[] = []
    vi.spyOn(console, 'log').mockImplementation((line: unknown) => void out.push(String(line)))
    const argv = ['--model', 'Qwen/Qwen2.5-7B-Instruct', '--args', '--quantization fp8 -tp 2', '--prompt-tokens', '500', '--max-tokens', '100', '--requests', '20', '--concurrency', '5', '--json']
    await run(argv)
    await run(argv)
    expect(out[0]).toBe(out[1])
    await expect(run(['--model', 'Qwen/QwQ-32B', '--args', '-tp 3', '--prompt-tokens', '10', '--max-tokens', '10'])).rejects.toMatchObject({
      code: 'MLNB_MODEL',
      message: expect.stringContaining('Total number of attention heads (40) must be divisible by tensor parallel size (3).'),
    })
  })
})
