/**
 * Run-level noise (src/sim/run-noise.ts): seeded factors per GPU and per replica, drawn at each
 * deploy; through the HTTP simulator a run's figures move by them as a whole.
 */
import { describe, expect, it } from 'vitest'
import { runWorkload } from '../../src/load/index.js'
import type { WorkloadSpec } from '../../src/contracts/workload.js'
import { resolveSimulatorOptions } from '../../src/sim/index.js'
import { runNoiseFactors } from '../../src/sim/run-noise.js'
import { getJson, postJson, startTestSim, up, waitFor } from './helpers.js'

const spec: WorkloadSpec = { name: 'closed', requests: 12, concurrency: 4, prompt: { tokens: 200 }, maxTokens: 30 }

function cvOf(values: number[]): { mean: number; cv: number } {
  const mean = values.reduce((a, b) => a + b, 0) / values.length
  const sd = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (values.length - 1))
  return { mean, cv: sd / mean }
}

describe('runNoiseFactors', () => {
  it('is 1 for every replica without noise', () => {
    expect(runNoiseFactors(0, 7, 1, 3, 2)).toEqual([1, 1, 1])
  })

  it('is a function of the seed and the deployment number', () => {
    expect(runNoiseFactors(0.05, 7, 1, 4, 2)).toEqual(runNoiseFactors(0.05, 7, 1, 4, 2))
    expect(runNoiseFactors(0.05, 7, 2, 4, 2)).not.toEqual(runNoiseFactors(0.05, 7, 1, 4, 2))
    expect(runNoiseFactors(0.05, 8, 1, 4, 2)).not.toEqual(runNoiseFactors(0.05, 7, 1, 4, 2))
  })

  it('draws log-normal factors of mean 1 and the asked CV per GPU and per replica', () => {
    // One GPU per replica: the factor is the product of two independent mean-1 factors of CV c,
    // so its mean is 1 and its CV √((1 + c²)² − 1).
    const c = 0.05
    const draws = Array.from({ length: 4000 }, (_, d) => runNoiseFactors(c, 3, d, 1, 1)[0]!)
    const { mean, cv } = cvOf(draws)
    expect(mean).toBeCloseTo(1, 2)
    expect(cv).toBeGreaterThan(0.9 * Math.sqrt((1 + c * c) ** 2 - 1))
    expect(cv).toBeLessThan(1.1 * Math.sqrt((1 + c * c) ** 2 - 1))
    expect(Math.min(...draws)).toBeGreaterThan(0)
  })

  it('slows a replica to its slowest GPU (max over its GPUs)', () => {
    const wide = Array.from({ length: 2000 }, (_, d) => runNoiseFactors(0.05, 3, d, 1, 8)[0]!)
    // The max of 8 factors is above 1 on average: a TP group waits for its slowest rank.
    expect(cvOf(wide).mean).toBeGreaterThan(1.05)
  })

  it('refuses a level outside [0, 1), naming the option', () => {
    expect(() => resolveSimulatorOptions({ runNoise: 1.5 })).toThrow(/runNoise must be a number in \[0, 1\).*1\.5/)
    expect(() => resolveSimulatorOptions({ runNoise: -0.1 })).toThrow(/runNoise/)
  })
})

describe('run-level noise through the simulator', () => {
  async function measure(sim: Awaited<ReturnType<typeof startTestSim>>): Promise<number> {
    expect((await up(sim, 'test/model', ['-tp', '4'])).status).toBe(200)
    await waitFor(async () => ((await getJson(`${sim.inferenceUrl}/health`)).status === 200 ? true : undefined), 'health')
    const run = await runWorkload({ baseUrl: sim.inferenceUrl, model: 'test/model' }, spec, { simulatedTime: true })
    return run.endedAtMs - run.startedAtMs
  }

  it('moves a whole run: same seed same duration, another seed or a redeploy another one', async () => {
    const once = async (runNoiseSeed: number) => measure(await startTestSim({ clock: 'virtual', eosPerToken: 0, runNoise: 0.05, runNoiseSeed }))
    const a = await once(1)
    expect(await once(1)).toBe(a)
    expect(await once(2)).not.toBe(a)
    // Two deploys on one simulator: new factors at the second `up`.
    const sim = await startTestSim({ clock: 'virtual', eosPerToken: 0, runNoise: 0.05, runNoiseSeed: 1 })
    const first = await measure(sim)
    expect((await postJson(`${sim.mgmtUrl}/api/v1/inference/down`, {})).status).toBe(200)
    expect(await measure(sim)).not.toBe(first)
  })

  it('leaves a run without run noise as it was (deterministic)', async () => {
    const plain = await measure(await startTestSim({ clock: 'virtual', eosPerToken: 0 }))
    expect(await measure(await startTestSim({ clock: 'virtual', eosPerToken: 0, runNoise: 0, runNoiseSeed: 9 }))).toBe(plain)
  })
})
