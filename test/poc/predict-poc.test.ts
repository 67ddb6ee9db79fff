/** The model's PoC price: one prefill of batch × seq_len tokens per batch per replica; `predict --poc`. */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { formatNumber } from '../../src/report/format.js'
import { run as predict } from '../../src/cli/commands/predict.js'
import { predictPoc, predictPocBench } from '../../src/poc/predict-poc.js'
import { getHardwareProfile } from '../../src/model/index.js'
import { predictionLine } from '../../src/report/prediction.js'
import type { BenchResult } from '../../src/contracts/results.js'

afterEach(() => vi.restoreAllMocks())

function captured(): string[] {
  const lines: string[] = []
  vi.spyOn(console, 'log').mockImplementation((l: unknown) => void lines.push(String(l)))
  return lines
}

describe('PoC price of the performance model', () => {
  it('is replicas × batch nonces per prefill step of batch × seq_len tokens', () => {
    const stepCost = vi.fn(() => 0.5)
    const p = predictPoc({ plan: { stepCost, engine: { maxNumBatchedTokens: 2048 } as never }, instances: 4, gpus: 8, seqLen: 256, batchSize: 8 })
    expect(stepCost).toHaveBeenCalledWith({ prefill: Array.from({ length: 8 }, () => ({ tokens: 256, contextBefore: 0 })), decode: [] })
    expect(p).toMatchObject({ batchS: 0.5, noncesPerMin: (4 * 8 * 60) / 0.5, noncesPerMinPerGpu: (4 * 8 * 60) / 0.5 / 8, fitsBatchedTokens: true })
    expect(predictPoc({ plan: { stepCost, engine: { maxNumBatchedTokens: 2048 } as never }, instances: 1, gpus: 1, seqLen: 256 })).toMatchObject({ batchSize: 32, fitsBatchedTokens: false })
  })

  it('predict --poc alone prints the labelled PoC price, and warns when batch × seq_len exceeds max_num_batched_tokens', async () => {
    const lines = captured()
    expect(await predict(['--model', 'Qwen/Qwen2.5-7B-Instruct', '--hardware', '4xrtx-3090', '--args', '--quantization fp8 -tp 2', '--poc'])).toBe(0)
    expect(lines[0]).toMatch(/^PREDICTION \(simulated by the performance model, not measured\): Qwen\/Qwen2\.5-7B-Instruct on 4xrtx-3090, tp=2 pp=1, 2 instance\(s\)/)
    expect(lines[1]).toMatch(/^PoC v2 \(PREDICTED, simulated\): \d+ nonces\/min \([\d.]+ per GPU\) at seq_len 256, batch 32, .*WARNING: batch 32 × seq_len 256 = 8192 tokens > max_num_batched_tokens 2048/)
  })

  it('predict --poc --json beside a workload: the load figures and a poc object', async () => {
    const lines = captured()
    await predict(['--model', 'Qwen/Qwen2.5-7B-Instruct', '--hardware', '4xrtx-3090', '--args', '--quantization fp8', '--prompt-tokens', '100', '--max-tokens', '4', '--requests', '2', '--poc-batch-size', '8', '--poc-seq-len', '128', '--json'])
    const body = JSON.parse(lines.at(-1)!) as { prediction: boolean; output_tokens_per_s: number; poc: { seqLen: number; batchSize: number; noncesPerMin: number; fitsBatchedTokens: boolean } }
    expect(body.prediction).toBe(true)
    expect(body.output_tokens_per_s).toBeGreaterThan(0)
    expect(body.poc).toMatchObject({ seqLen: 128, batchSize: 8, fitsBatchedTokens: true })
    expect(body.poc.noncesPerMin).toBeGreaterThan(0)
  })
})

it('on a real MLNode of known GPUs the PoC price goes beside the measured nonces/min', async () => {
  const box = getHardwareProfile('4xrtx-3090')
  const prediction = await predictPocBench({ box, model: 'Qwen/Qwen2.5-7B-Instruct', dtype: 'auto', args: ['--quantization', 'fp8', '--tensor-parallel-size', '1'], seqLen: 256, batchSize: 8 })
  expect(prediction).toMatchObject({ hardware: '4xrtx-3090', calibrated: false })
  expect(prediction!.figures.poc_nonces_per_min).toBeGreaterThan(0)
  const measured = prediction!.figures.poc_nonces_per_min! * 0.8
  const result = { poc: { noncesPerMin: measured }, prediction } as unknown as BenchResult
  expect(predictionLine(result)).toBe(`predicted by model (4xrtx-3090, uncalibrated): PoC nonces/min ${formatNumber(prediction!.figures.poc_nonces_per_min!)} nonces/min (measured ×0.80)`)
  expect(await predictPocBench({ box, model: 'unknown/model', dtype: 'auto', args: [], seqLen: 256 })).toBeUndefined()
})
