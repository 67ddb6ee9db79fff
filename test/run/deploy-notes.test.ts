/**
 * A deploy the performance model warned about ("may not start", a memory margin within its known
 * error) that did start: the warning is kept in the result's notes, and the model's prediction is
 * still set beside the measurement. The target is the Target interface over a real loopback
 * vLLM-like server.
 */
import { describe, expect, it, onTestFinished } from 'vitest'
import type { TargetInfo } from '../../src/contracts/results.js'
import { getHardwareProfile } from '../../src/model/index.js'
import { runBench } from '../../src/run/run-bench.js'
import { resolveSuiteOptions } from '../../src/run/suite-options.js'
import type { DeployRequest, Target } from '../../src/run/target.js'
import { startFakeVllm } from '../load/helpers/server.js'

const MODEL = 'Qwen/Qwen3-235B-A22B'
const ARGS = ['--tensor-parallel-size', '8', '--gpu-memory-utilization', '0.78']
const WARNING = 'may not start on 8xh100-sxm (performance model; deploying anyway, the node decides): kv-too-small: predicted short by 0.58 GiB per GPU'

describe('deploy notes', () => {
  it("keeps the model's warning in the result and still predicts the variant that started", async () => {
    const vllm = await startFakeVllm({ prefillMs: 20, tokenMs: 5 })
    onTestFinished(() => vllm.close())
    const info: TargetInfo = { kind: 'mlnode', hardware: '8x NVIDIA H100 80GB HBM3' }
    const target: Target = {
      describe: async () => ({ info, gpuCount: 8 }),
      prepare: async () => {},
      ready: async () => ({ target: info, readyAfterS: 1, box: getHardwareProfile('8xh100-sxm'), notes: [WARNING] }),
      endpoint: () => ({ inferenceUrl: vllm.url }),
      metricsSources: () => ({ urls: [], unavailable: ['a test target without metrics pages'] }),
    close: async () => {},
    }
    const suite = resolveSuiteOptions({ model: MODEL, mandatoryArgs: [], variants: { tight: ARGS }, workloads: [] })
    const request: DeployRequest = { model: MODEL, dtype: 'auto', variant: { name: 'tight', mlnodeArgs: ARGS, tp: 8, pp: 1 } as DeployRequest['variant'], deployTimeoutS: 60 }
    const spec = { name: 'chat', requests: 4, concurrency: 2, prompt: { tokens: 200 }, maxTokens: 8 }
    const outcome = await runBench({ suite, source: 'bench.ts', targetKind: 'mlnode', request, spec, target })
    expect(outcome.error).toBeUndefined()
    expect(outcome.result.notes).toEqual([WARNING])
    expect(outcome.result.prediction).toMatchObject({ hardware: '8xh100-sxm', calibrated: false })
    expect(outcome.result.prediction!.figures.output_tokens_per_s).toBeGreaterThan(0)
  })
})
