/** calibrate on points whose server ran although the memory model refuses their args for KV memory. */
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { run } from '../../src/cli/commands/calibrate.js'
import type { MeasuredPoint } from '../../src/planner/fit.js'
import { startablePoint } from '../../src/planner/startable.js'
import { getHardwareProfile, getModelSpec } from '../../src/model/index.js'
import { useTempDir } from '../temp-dir.js'

const dir = useTempDir('mlnb-calibrate-startable-')
const box = { hardware: getHardwareProfile('1xh100-sxm'), model: getModelSpec('Qwen/Qwen3-32B'), dtype: 'auto' }
const point = (args: string, promptTokens = 1000): MeasuredPoint => ({ label: 'p', args, workload: { promptTokens, maxTokens: 50, requests: 2, concurrency: 1 }, measured: { tpot_mean_ms: 30 } })

afterEach(() => {
  vi.restoreAllMocks()
})

describe('startablePoint', () => {
  it("prices a KV-refused point with its workload's length and reports vLLM's refusal", () => {
    // Qwen3-32B at its default max_model_len (40960) needs 10 GiB of KV; one H100 has about 5 left.
    const s = startablePoint(box, point(''))
    expect(s.memoryMiss).toMatch(/To serve at least one request with the models's max seq len \(40960\)/)
    expect(s.point.args).toBe('--max-model-len 1050')
  })

  it('adds a KV cache of one request when even the workload does not fit, and leaves startable or otherwise broken args alone', () => {
    const huge = startablePoint(box, point('', 30000 - 50))
    expect(huge.point.args).toBe(`--max-model-len 30000 --num-gpu-blocks-override ${Math.ceil(30000 / 16)}`)
    expect(startablePoint(box, point('--max-model-len 8192'))).toEqual({ point: point('--max-model-len 8192') })
    // A TP the heads do not divide is not a memory miss: unchanged, the fit names the problem.
    expect(startablePoint(box, point('-tp 3')).memoryMiss).toBeUndefined()
  })
})

describe('mlnode-bench calibrate', () => {
  it('fits a points file whose published args the memory model refuses, naming the refusal', async () => {
    const file = join(dir(), 'points.yaml')
    await writeFile(
      file,
      ['hardware: 1xh100-sxm', 'model: Qwen/Qwen3-32B', 'points:', '  - args: ""', '    workload: { prompt_tokens: 1000, max_tokens: 50, requests: 2, concurrency: 1 }', '    measured: { tpot_mean_ms: 30 }', ''].join('\n'),
    )
    const out: string[] = []
    vi.spyOn(console, 'log').mockImplementation((line: unknown) => void out.push(String(line)))
    expect(await run(['--points', file, '--out', join(dir(), 'cal.json'), '--json'])).toBe(0)
    const result = JSON.parse(out.join('\n')) as { points: Array<{ memoryMiss?: string; pricedWith?: string }> }
    expect(result.points[0]!.memoryMiss).toContain('KV cache is needed')
    expect(result.points[0]!.pricedWith).toBe('--max-model-len 1050')
  })
})
