/**
 * Suite option `repeats` end to end through runBench: the embedded simulator (run-level noise on,
 * simulated time) behind the real MLNode target, redeploying between repeats; the result folds
 * the repeats, and a baseline accepted from it takes its tolerance from their spread.
 */
import { describe, expect, it, onTestFinished } from 'vitest'
import { entryFromResult } from '../../src/report/baseline.js'
import { foldedMedian, repeatK } from '../../src/report/repeat-tolerance.js'
import { MlnodeTarget } from '../../src/run/mlnode-target.js'
import { prepareVariants } from '../../src/run/prepare-variants.js'
import { repeatPlan } from '../../src/run/measure-repeats.js'
import { runBench } from '../../src/run/run-bench.js'
import { resolveSuiteOptions } from '../../src/run/suite-options.js'
import type { DeployRequest } from '../../src/run/target.js'
import { startSimulator } from '../../src/sim/index.js'

const MODEL = 'Qwen/Qwen2.5-7B-Instruct'
const spec = { name: 'chat', requests: 16, concurrency: 8, prompt: { tokens: 500 }, maxTokens: 40 }

async function bench(repeats: number, redeployBetweenRepeats: boolean) {
  const sim = await startSimulator({ hardware: '4xrtx-3090', clock: 'virtual', runNoise: 0.05, runNoiseSeed: 3 })
  const target = new MlnodeTarget({ mgmtUrl: sim.mgmtUrl, inferenceUrl: sim.inferenceUrl })
  onTestFinished(async () => {
    await target.close()
    await sim.close()
  })
  const suite = resolveSuiteOptions({ model: MODEL, mandatoryArgs: [], variants: { 'tp2-x2': ['--tensor-parallel-size', '2'] }, workloads: [spec], hardware: '4xrtx-3090', repeats, redeployBetweenRepeats })
  const [variant] = prepareVariants(suite, 'bench.ts', 4)
  const request: DeployRequest = { model: MODEL, dtype: 'auto', variant: variant!, deployTimeoutS: 600 }
  await target.prepare(request)
  return runBench({ suite, source: 'bench.ts', targetKind: 'simulated', request, spec, target })
}

describe('repeats', () => {
  it('measures a workload N times with a redeploy before each, folds them into medians with their figures kept', async () => {
    const { result, error } = await bench(3, true)
    expect(error).toBeUndefined()
    expect(result.target).toMatchObject({ kind: 'simulated', runNoise: 0.05 })
    expect(result.repeats).toMatchObject({ count: 3, redeployed: true })
    const e2el = result.repeats!.figures.e2elMs!
    expect(e2el).toHaveLength(3)
    // Each redeploy drew new run-level factors: three different runs.
    expect(new Set(e2el).size).toBe(3)
    expect(result.metrics!.e2elMs.medianMs).toBe(foldedMedian(e2el))
    expect(result.metrics!.requestsPerS).toBe(foldedMedian(result.repeats!.figures.requestsPerS!))
    // Accepted as a baseline: per metric the spread of the repeats and k(3) times it.
    const entry = entryFromResult(result)!
    expect(entry.repeats!.count).toBe(3)
    expect(entry.repeats!.spread.e2elMs).toBeGreaterThan(0)
    expect(entry.repeats!.tolerance.e2elMs).toBeCloseTo(repeatK(3) * entry.repeats!.spread.e2elMs!, 12)
  })

  it('measures once without the option, and keeps no repeats block', async () => {
    const { result } = await bench(1, false)
    expect(result.status).toBe('passed')
    expect(result.repeats).toBeUndefined()
  })
})

describe('repeatPlan', () => {
  it('takes the suite option, with MLNODE_BENCH_REPEATS and MLNODE_BENCH_REDEPLOY_REPEATS winning', () => {
    expect(repeatPlan({ repeats: 3, redeployBetweenRepeats: false }, {})).toEqual({ count: 3, redeploy: false })
    expect(repeatPlan({ repeats: 1, redeployBetweenRepeats: false }, { MLNODE_BENCH_REPEATS: '5', MLNODE_BENCH_REDEPLOY_REPEATS: '1' })).toEqual({ count: 5, redeploy: true })
  })

  it('refuses a bad MLNODE_BENCH_REPEATS, naming it and its value', () => {
    expect(() => repeatPlan({ repeats: 1, redeployBetweenRepeats: false }, { MLNODE_BENCH_REPEATS: '2.5' })).toThrow(/MLNODE_BENCH_REPEATS="2\.5": expected a whole number ≥ 1/)
    expect(() => repeatPlan({ repeats: 1, redeployBetweenRepeats: false }, { MLNODE_BENCH_REPEATS: '0' })).toThrow(/MLNODE_BENCH_REPEATS/)
  })
})
