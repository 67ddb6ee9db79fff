import { describe, expect, it } from 'vitest'
import type { WorkloadMetrics } from '../../src/contracts/records.js'
import type { SweepStepResult } from '../../src/contracts/results.js'
import type { WorkloadSpec } from '../../src/contracts/workload.js'
import { isMlnodeBenchError } from '../../src/errors.js'
import { validateWorkload } from '../../src/load/index.js'
import { capacityAtSlo, foldSweep, goodShare, sloBrokenForGood } from '../../src/sweep/fold.js'
import { runSweepSteps } from '../../src/sweep/run-steps.js'
import { sweepLoads, sweepSlo, sweepStepSpec } from '../../src/sweep/spec.js'
import { makeMetrics } from '../fixtures/reporters-shared/make-results.js'
import { suiteBenches } from '../../src/run/suite-benches.js'
import { resolveSuiteOptions, type DeploymentSuiteOptions } from '../../src/run/suite-options.js'

/** A step's metrics with `good` of 20 requests within the SLO. */
const withGood = (good: number): WorkloadMetrics => makeMetrics({ ttftMs: Array(20).fill(100), tpotMs: Array(20).fill(10), e2elMs: Array(20).fill(1000), goodRequests: good })
const step = (load: number, state: SweepStepResult['state']): SweepStepResult => ({ load, state })

const base: WorkloadSpec = { name: 'sweep', requests: 20, prompt: { tokens: 100 }, maxTokens: 10, slo: { ttftMs: 500 }, sweep: { over: 'rate', from: 1, to: 5, steps: 5 } }

describe('the fold: capacity at SLO and its bracket', () => {
  it('is the highest passing load, bracketed by the lowest failing load above it', () => {
    expect(capacityAtSlo([step(1, 'passed'), step(2, 'passed'), step(3, 'failed'), step(4, 'failed'), step(5, 'skipped')], 'req/s')).toEqual({ value: 2, bracket: [2, 3], unit: 'req/s' })
  })
  it('takes a pass above a failure (noise) as the capacity, bracketed above it', () => {
    expect(capacityAtSlo([step(1, 'passed'), step(2, 'failed'), step(3, 'passed'), step(4, 'failed')], 'req/s')).toEqual({ value: 3, bracket: [3, 4], unit: 'req/s' })
  })
  it('is 0 below the lowest load when nothing passed, and open above when everything did', () => {
    expect(capacityAtSlo([step(2, 'failed'), step(4, 'failed')], 'concurrency')).toEqual({ value: 0, bracket: [null, 2], unit: 'concurrency' })
    expect(capacityAtSlo([step(2, 'passed'), step(4, 'passed')], 'concurrency')).toEqual({ value: 4, bracket: [4, null], unit: 'concurrency' })
  })
  it('counts the share of requests meeting the SLO, failed ones missing it', () => {
    expect(goodShare(withGood(18))).toBe(0.9)
    expect(goodShare(makeMetrics({ ttftMs: Array(10).fill(1), tpotMs: Array(10).fill(1), e2elMs: Array(10).fill(1), failed: 10, goodRequests: 10 }))).toBe(0.5)
  })
  it('calls the SLO broken for good after N failed measured steps in a row only', () => {
    expect(sloBrokenForGood([step(1, 'failed'), step(2, 'passed'), step(3, 'failed')], 2)).toBe(false)
    expect(sloBrokenForGood([step(1, 'passed'), step(2, 'failed'), step(3, 'failed')], 2)).toBe(true)
    expect(sloBrokenForGood([step(1, 'failed')], 1)).toBe(true)
  })
  it('sorts the steps and keeps the attainment default (0.9)', () => {
    const s = foldSweep({ over: 'rate', from: 1, to: 2, steps: 2 }, { ttftMs: 500 }, [step(2, 'failed'), step(1, 'passed')])
    expect(s.steps.map((x) => x.load)).toEqual([1, 2])
    expect(s.attainment).toBe(0.9)
  })
})

describe('the sweep loop', () => {
  it('stops once 2 steps in a row missed the attainment, the rest skipped, with progress and ETA', async () => {
    const good = [20, 19, 17, 10, 20]
    const lines: string[] = []
    let t = 0
    const seen: number[] = []
    const sweep = await runSweepSteps({
      spec: base,
      slo: base.slo!,
      print: (l) => lines.push(l),
      now: () => t,
      measure: async (spec, load, index) => {
        seen.push(load)
        expect(spec.arrival?.ratePerS).toBe(load)
        expect(spec.seed).toBe(index)
        t += 1000
        return withGood(good[index]!)
      },
    })
    expect(seen).toEqual([1, 2, 3, 4])
    expect(sweep.steps.map((s) => s.state)).toEqual(['passed', 'passed', 'failed', 'failed', 'skipped'])
    expect(sweep.capacityAtSlo).toEqual({ value: 2, bracket: [2, 3], unit: 'req/s' })
    expect(sweep.stopped).toEqual({ reason: 'slo-broken', afterLoad: 4 })
    expect(lines[0]).toBe('sweep: step 1/5 1 req/s: 100.0 % within the SLO (need 90 %) → passed; 1 s elapsed, ETA 4 s')
    expect(lines.at(-1)).toContain('SLO broken in 2 steps in a row: 1 higher step(s) skipped')
  })

  it('skips the steps the time budget cannot hold', async () => {
    let t = 0
    const sweep = await runSweepSteps({
      spec: { ...base, sweep: { ...base.sweep!, budgetS: 25 } },
      slo: base.slo!,
      now: () => t,
      measure: async () => {
        t += 10_000
        return withGood(20)
      },
    })
    // 10 s a step: after 2 steps (20 s) a third would end at 30 s > 25 s.
    expect(sweep.steps.map((s) => s.state)).toEqual(['passed', 'passed', 'skipped', 'skipped', 'skipped'])
    expect(sweep.stopped).toEqual({ reason: 'budget', afterLoad: 2 })
    expect(sweep.capacityAtSlo.bracket).toEqual([2, null])
  })
})

describe('sweep specs', () => {
  it('spaces the loads evenly; concurrencies are whole', () => {
    expect(sweepLoads({ over: 'rate', from: 2, to: 6, steps: 5 })).toEqual([2, 3, 4, 5, 6])
    expect(sweepLoads({ over: 'concurrency', from: 1, to: 8, steps: 4 })).toEqual([1, 3, 6, 8])
  })
  it('makes each step an ordinary workload with the load set', () => {
    const c = sweepStepSpec({ ...base, sweep: { over: 'concurrency', from: 1, to: 4, steps: 4 } }, 3, 2)
    expect(c).toMatchObject({ name: 'sweep @ concurrency 3', concurrency: 3, seed: 2 })
    expect(c.sweep).toBeUndefined()
    expect(() => validateWorkload(c)).not.toThrow()
  })
  it.each([
    [{ over: 'load', from: 1, to: 2, steps: 2 }, 'sweep.over = "load"'],
    [{ over: 'rate', from: 4, to: 2, steps: 2 }, 'sweep.to = 2 must be above sweep.from (4)'],
    [{ over: 'rate', from: 1, to: 2, steps: 1 }, 'sweep.steps = 1'],
    [{ over: 'concurrency', from: 1.5, to: 4, steps: 2 }, 'sweep.from = 1.5 must be an integer'],
    [{ over: 'concurrency', from: 1, to: 3, steps: 5 }, 'sweep.steps = 5 is more than the 3 whole concurrencies'],
    [{ over: 'rate', from: 1, to: 2, steps: 2, attainment: 1.5 }, 'sweep.attainment = 1.5'],
    [{ over: 'rate', from: 1, to: 2, steps: 2, budget: 5 }, 'sweep.budget = 5 is not a sweep field'],
  ])('refuses %j naming the field and value', (sweep, message) => {
    const spec = { ...base, source: 'suite.bench.ts', sweep } as unknown as WorkloadSpec
    expect(() => validateWorkload(spec)).toThrow(message)
    try {
      validateWorkload(spec)
    } catch (error) {
      expect(isMlnodeBenchError(error) && error.code).toBe('MLNB_CONFIG')
      expect((error as Error).message).toMatch(/^suite\.bench\.ts: workload "sweep": /)
    }
  })
  it('lets a rate sweep leave the rate out of arrival, and refuses a closed loop in it', () => {
    expect(() => validateWorkload({ ...base, arrival: { burstiness: 2 } } as unknown as WorkloadSpec)).not.toThrow()
    expect(() => validateWorkload({ ...base, concurrency: 4 })).toThrow(/concurrency = 4 must be unset with sweep.over 'rate'/)
  })
  it('needs an SLO, from the workload or the suite', () => {
    const { slo: _slo, ...noSlo } = base
    expect(() => sweepSlo(noSlo, undefined, 'suite.bench.ts')).toThrow(/sweep needs an SLO/)
    expect(sweepSlo(noSlo, { tpotMs: 40 }, 'suite.bench.ts')).toEqual({ tpotMs: 40 })
  })
})

describe('a suite with a sweep, at collection', () => {
  const FILE = '/repo/benchmarks/qwen.bench.ts'
  const suite = {
    model: 'Qwen/Qwen2.5-7B-Instruct',
    mandatoryArgs: ['--quantization', 'fp8'],
    variants: { tp1: ['-tp', '1'] },
    hardware: '4xrtx-3090',
    workloads: [{ name: 'sweep', requests: 8, arrival: { burstiness: 1 }, prompt: { tokens: 100 }, maxTokens: 8, sweep: { over: 'rate' as const, from: 1, to: 4, steps: 4 } }],
  }
  const plan = (options: DeploymentSuiteOptions) => suiteBenches({ options, suite: resolveSuiteOptions(options), config: { kind: 'simulated', fleetUrl: 'http://127.0.0.1:1' }, file: FILE, source: 'benchmarks/qwen.bench.ts' })

  it('plans one bench for the whole sweep when the suite has an SLO', () => {
    expect(plan({ ...suite, slo: { ttftMs: 500 } }).map((b) => b.name)).toEqual(['tp1 › sweep'])
  })
  it('refuses it before any deploy without an SLO, and a sweep key typo with its name', () => {
    expect(() => plan(suite)).toThrow(/benchmarks\/qwen\.bench\.ts: workload "sweep": sweep needs an SLO/)
    const typo = { ...suite, slo: { ttftMs: 500 }, workloads: [{ ...suite.workloads[0]!, sweep: { ...suite.workloads[0]!.sweep, step: 4 } }] }
    expect(() => plan(typo as unknown as DeploymentSuiteOptions)).toThrow(/sweep\.step = 4 is not a sweep field/)
  })
})

describe('search mode', () => {
  /** Steps pass up to `limit` (a server whose capacity is exactly that). */
  const searchUntil = async (sweep: NonNullable<WorkloadSpec['sweep']>, limit: number) => {
    const seen: number[] = []
    const result = await runSweepSteps({ spec: { ...base, sweep }, slo: base.slo!, measure: async (_spec, load) => (seen.push(load), withGood(load <= limit ? 20 : 10)) })
    return { seen, result }
  }
  it('bisects a concurrency bracket down to one worker', async () => {
    const { seen, result } = await searchUntil({ over: 'concurrency', from: 1, to: 64, steps: 10, search: true }, 20)
    expect(seen).toEqual([1, 64, 32, 16, 24, 20, 22, 21])
    expect(result.capacityAtSlo).toEqual({ value: 20, bracket: [20, 21], unit: 'concurrency' })
    expect(result.search).toBe(true)
    expect(result.steps.every((s) => s.state !== 'skipped')).toBe(true)
  })
  it('stops a rate search at its step limit, and at once when from fails or to passes', async () => {
    const rate = await searchUntil({ over: 'rate', from: 1, to: 16, steps: 6, search: true }, 5.3)
    expect(rate.seen).toEqual([1, 16, 8.5, 4.75, 6.625, 5.6875])
    expect(rate.result.capacityAtSlo.bracket).toEqual([4.75, 5.6875])
    expect((await searchUntil({ over: 'rate', from: 1, to: 16, steps: 6, search: true }, 0.5)).seen).toEqual([1])
    expect((await searchUntil({ over: 'rate', from: 1, to: 16, steps: 6, search: true }, 99)).result.capacityAtSlo).toEqual({ value: 16, bracket: [16, null], unit: 'req/s' })
  })
  it('refuses a non-boolean search', () => {
    expect(() => validateWorkload({ ...base, sweep: { ...base.sweep!, search: 'yes' } } as unknown as WorkloadSpec)).toThrow(/sweep\.search = "yes" must be true or false/)
  })
})
