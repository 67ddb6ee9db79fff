/**
 * Predicted beside measured: a bench on a real MLNode of known GPUs keeps the
 * model's prediction with its measurement, and the console line and summary.md show both. The
 * target is the Target interface over a real loopback vLLM-like server.
 */
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it, onTestFinished } from 'vitest'
import type { TargetInfo } from '../../src/contracts/results.js'
import { getHardwareProfile } from '../../src/model/index.js'
import { diffResults } from '../../src/report/diff.js'
import { renderMarkdown } from '../../src/report/markdown.js'
import { predictionLine, predictionRows } from '../../src/report/prediction.js'
import { calibrationFor } from '../../src/run/calibration.js'
import { runBench } from '../../src/run/run-bench.js'
import { suiteCalibration } from '../../src/run/suite-calibration.js'
import { resolveSuiteOptions } from '../../src/run/suite-options.js'
import type { DeployRequest, Target } from '../../src/run/target.js'
import { startFakeVllm } from '../load/helpers/server.js'
import { useTempDir } from '../temp-dir.js'

function targetAt(url: string, info: TargetInfo, box: boolean): Target {
  return {
    describe: async () => ({ info, gpuCount: 8 }),
    prepare: async () => {},
    ready: async () => ({ target: info, readyAfterS: 1, ...(box ? { box: getHardwareProfile('8xh100-sxm') } : {}) }),
    endpoint: () => ({ inferenceUrl: url }),
    metricsSources: () => ({ urls: [], unavailable: ['a test target without metrics pages'] }),
    close: async () => {},
  }
}

const suite = resolveSuiteOptions({ model: 'Qwen/Qwen2.5-7B-Instruct', mandatoryArgs: [], variants: { tp1: ['--tensor-parallel-size', '1'] }, workloads: [] })
const request: DeployRequest = { model: suite.model, dtype: 'auto', variant: { name: 'tp1', mlnodeArgs: ['--tensor-parallel-size', '1'], tp: 1, pp: 1 } as DeployRequest['variant'], deployTimeoutS: 60 }
const spec = { name: 'chat', requests: 8, concurrency: 4, prompt: { tokens: 200 }, maxTokens: 16 }

async function bench(info: TargetInfo, box: boolean, deploy: DeployRequest = request) {
  const vllm = await startFakeVllm({ prefillMs: 20, tokenMs: 5 })
  onTestFinished(() => vllm.close())
  const outcome = await runBench({ suite, source: 'bench.ts', targetKind: 'mlnode', request: deploy, spec, target: targetAt(vllm.url, info, box) })
  expect(outcome.error).toBeUndefined()
  return outcome.result
}

describe('predicted beside measured', () => {
  const temp = useTempDir('mlnb-cal-')
  it('a real MLNode of known GPUs: the result keeps both, the console line and summary.md show them', async () => {
    const result = await bench({ kind: 'mlnode', hardware: '8x NVIDIA H100 80GB HBM3' }, true)
    expect(result.prediction).toMatchObject({ hardware: '8xh100-sxm', calibrated: false })
    expect(result.prediction!.figures.ttft_mean_ms).toBeGreaterThan(0)
    const rows = predictionRows(result)
    expect(rows.map((r) => r.key)).toEqual(['ttft_mean_ms', 'tpot_mean_ms', 'e2el_mean_ms', 'output_tokens_per_s'])
    // Each row pairs the measured metric with the model's figure of the same key.
    expect(rows[0]!.measured).toBe(result.metrics!.ttftMs.meanMs)
    expect(rows[3]!.predicted).toBe(result.prediction!.figures.output_tokens_per_s)
    for (const r of rows) expect(r.ratio).toBeCloseTo(r.measured / r.predicted, 9)
    expect(predictionLine(result)).toMatch(/^predicted by model \(8xh100-sxm, uncalibrated\): TTFT mean [\d.]+ ms \(measured ×[\d.]+\), /)
    const md = renderMarkdown(diffResults(undefined, [result]))
    expect(md).toContain('### Predicted vs measured')
    expect(md).toMatch(/\| Qwen\/Qwen2\.5-7B-Instruct › tp1 › chat \| TTFT mean \(ms\) \| [\d.]+ \| [\d.]+ \| ×[\d.]+ \| model \(8xh100-sxm, uncalibrated\) \|/)
  })

  it('no prediction where the GPUs are unknown or the numbers are simulated anyway', async () => {
    expect((await bench({ kind: 'mlnode', hardware: '8x Unknown GPU' }, false)).prediction).toBeUndefined()
    expect((await bench({ kind: 'simulated', hardware: '8xh100-sxm' }, true)).prediction).toBeUndefined()
  })

  it("uses the suite's calibration when it was fitted on these GPUs", async () => {
    const dir = temp()
    const file = join(dir, 'calibration.json')
    await writeFile(file, JSON.stringify({ calibration: 1, hardware: '8xh100-sxm', constants: { stepOverheadS: 0.02 } }))
    const info: TargetInfo = { kind: 'mlnode', hardware: '8x NVIDIA H100 80GB HBM3' }
    const plain = await bench(info, true)
    // From MLNODE_BENCH_CALIBRATION (a real MLNode's GPUs are only known at deploy: no hardware check at collection).
    const calibration = suiteCalibration({ option: undefined, file: join(dir, 'a.bench.ts'), source: 'a.bench.ts', env: { MLNODE_BENCH_CALIBRATION: file } })!
    const calibrated = await bench(info, true, { ...request, calibration })
    expect(calibrated.prediction).toMatchObject({ hardware: '8xh100-sxm', calibrated: true })
    // A 20 ms step overhead slows every predicted token.
    expect(calibrated.prediction!.figures.tpot_mean_ms).toBeGreaterThan(plain.prediction!.figures.tpot_mean_ms!)
    // Fitted on other GPUs: not applied.
    expect(calibrationFor(getHardwareProfile('8xl4'), calibration)).toBeUndefined()
    expect(calibrationFor(getHardwareProfile('8xh100-sxm'), calibration)).toEqual({ stepOverheadS: 0.02 })
  })
})
