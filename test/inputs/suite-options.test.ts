/**
 * A suite's options are checked at collection (suiteBenches), before anything deploys: unknown keys
 * are named with the closest known one, wrong types and ranges name the file, field and value.
 */
import { describe, expect, it } from 'vitest'
import type { MlnodeBenchError } from '../../src/errors.js'
import { suiteBenches } from '../../src/run/suite-benches.js'
import { resolveSuiteOptions, type DeploymentSuiteOptions } from '../../src/run/suite-options.js'

const FILE = '/repo/benchmarks/qwq.bench.ts'
const SOURCE = 'benchmarks/qwq.bench.ts'

const base = {
  model: 'Qwen/QwQ-32B',
  mandatoryArgs: ['--kv-cache-dtype', 'fp8', '--quantization', 'fp8'],
  variants: { 'tp4-pp2': ['-tp', '4', '-pp', '2'] },
  workloads: [{ name: 'short', requests: 4, concurrency: 2, prompt: { tokens: 100 }, maxTokens: 20 }],
}

/** The MLNB error suiteBenches throws for these options (they are cast: the point is what a JS user can pass). */
function planError(options: Record<string, unknown>): MlnodeBenchError {
  const suiteOptions = options as unknown as DeploymentSuiteOptions
  try {
    suiteBenches({ options: suiteOptions, suite: resolveSuiteOptions(suiteOptions), config: { kind: 'simulated', fleetUrl: 'http://127.0.0.1:1' }, file: FILE, source: SOURCE })
  } catch (error) {
    return error as MlnodeBenchError
  }
  throw new Error('suiteBenches accepted the options')
}

describe('suite options', () => {
  it('accepts the well-formed base suite', () => {
    const plan = suiteBenches({ options: base, suite: resolveSuiteOptions(base), config: { kind: 'simulated', fleetUrl: 'http://127.0.0.1:1' }, file: FILE, source: SOURCE })
    expect(plan.map((b) => b.name)).toEqual(['tp4-pp2 › short'])
  })

  it('names an unknown suite key, its value and the closest known key', () => {
    const error = planError({ ...base, hardwre: '8xh100' })
    expect(error.code).toBe('MLNB_CONFIG')
    expect(error.message).toContain(SOURCE)
    expect(error.message).toContain('hardwre = "8xh100" is not a suite option (did you mean "hardware"?)')
  })

  it('names an unknown workload key and nested slo/prompt keys', () => {
    const error = planError({ ...base, workloads: [{ ...base.workloads[0], concurency: 8, slo: { ttft: 100 }, prompt: { tokens: 100, cont: 2 } }] })
    expect(error.code).toBe('MLNB_CONFIG')
    expect(error.message).toContain('workloads[0].concurency = 8 is not a known field here (did you mean "concurrency"?)')
    expect(error.message).toContain('workloads[0].slo.ttft = 100 is not a known field here (did you mean "ttftMs"?)')
    expect(error.message).toContain('workloads[0].prompt.cont = 2 is not a known field here (did you mean "count"?)')
  })

  it.each([
    [{ variants: { v: ['-tp', 2] } }, 'variants.v[1] must be string, got 2'],
    [{ allowArgs: '--foo' }, 'allowArgs must be an array, got "--foo"'],
    [{ mandatoryArgs: '--quantization fp8' }, 'mandatoryArgs must be an array, got "--quantization fp8"'],
    [{ slo: { ttftMs: -5 } }, 'slo.ttftMs must be > 0, got -5'],
    [{ slo: { ttftMs: 'fast' } }, 'slo.ttftMs must be a finite number, got "fast"'],
    [{ maxFailureRate: 2 }, 'maxFailureRate must be ≤ 1, got 2'],
    [{ deployTimeoutS: 0 }, 'deployTimeoutS must be > 0, got 0'],
    [{ workloadTimeoutS: Infinity }, 'workloadTimeoutS'],
    [{ logCommand: 'docker logs mlnode' }, 'logCommand must be an array'],
    [{ repeats: 0 }, 'repeats must be ≥ 1, got 0'],
    [{ repeats: 2.5 }, 'repeats'],
    [{ redeployBetweenRepeats: 'yes' }, 'redeployBetweenRepeats must be boolean, got "yes"'],
  ])('rejects %j with a message naming field and value', (override, expected) => {
    const error = planError({ ...base, ...override })
    expect(error.code).toBe('MLNB_CONFIG')
    expect(error.message).toContain(SOURCE)
    expect(error.message).toContain(expected)
  })

  it('lists every problem at once', () => {
    const error = planError({ ...base, hardwre: 'x', maxFailureRate: -1 })
    expect(error.message).toContain('2 problems')
    expect(error.message).toContain('hardwre')
    expect(error.message).toContain('maxFailureRate must be ≥ 0, got -1')
  })
})

describe('workload bounds at collection', () => {
  it('refuses requests beyond the bound, naming it', () => {
    const error = planError({ ...base, workloads: [{ ...base.workloads[0], requests: 1e12 }] })
    expect(error.code).toBe('MLNB_CONFIG')
    expect(error.message).toMatch(/workload "short": requests = 1000000000000 is more than 1,000,000/)
  })

  it('refuses a prompt longer than the max model len of the catalogued model', () => {
    const error = planError({ ...base, workloads: [{ ...base.workloads[0], prompt: { tokens: 1e6 } }] })
    expect(error.code).toBe('MLNB_CONFIG')
    expect(error.message).toContain('prompt.tokens = 1000000 + maxTokens 20 = 1000020 tokens is more than the max model len 40960')
  })

  it('takes the max model len of the mandatory --max-model-len', () => {
    const error = planError({ ...base, mandatoryArgs: [...base.mandatoryArgs, '--max-model-len', '4k'], workloads: [{ ...base.workloads[0], prompt: { tokens: 3990 } }] })
    expect(error.message).toContain('more than the max model len 4000 (--max-model-len 4k)')
  })
})

describe('a model the simulator does not know', () => {
  it('says so at collection with the closest known models', () => {
    const error = planError({ ...base, model: 'Qwen/QwQ-32B-Preview' })
    expect(error.code).toBe('MLNB_SIM')
    expect(error.message).toContain('the embedded simulator does not know this model (closest known: Qwen/QwQ-32B')
    expect(error.message).toContain('config.json')
  })
})

describe('mandatory args', () => {
  it('refuses a misspelt mandatory option with the closest vLLM one', () => {
    const error = planError({ ...base, mandatoryArgs: ['--quantisation', 'fp8'] })
    expect(error.message).toContain("'--quantisation fp8': --quantisation is not a vLLM option (did you mean --quantization?)")
  })

  it('refuses a mandatory option repeated with different values', () => {
    const error = planError({ ...base, mandatoryArgs: ['--quantization', 'fp8', '--quantization', 'awq'] })
    expect(error.message).toContain("'--quantization fp8' and '--quantization awq' contradict each other")
  })
})

describe('deploymentSuite without an options object', () => {
  it('says what it takes instead of a TypeError', () => {
    expect(() => resolveSuiteOptions(undefined as unknown as DeploymentSuiteOptions)).toThrow('deploymentSuite takes one options object')
  })
})
