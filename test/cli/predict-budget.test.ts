/** predict's up-front cost check: refuses at once, naming the workload and what would fit. */
import { describe, expect, it } from 'vitest'
import { DEFAULT_MAX_EVENTS, checkPredictBudget, workloadEvents } from '../../src/cli/predict-budget.js'

describe('checkPredictBudget', () => {
  it('counts output tokens and prefill chunks per request', () => {
    expect(workloadEvents({ name: 'w', requests: 10, promptTokens: 8193, outputTokens: 100 }, 8192)).toBe(10 * (100 + 2))
  })

  it('accepts a workload within the budget', () => {
    expect(() => checkPredictBudget([{ name: 'w', requests: 1000, promptTokens: 512, outputTokens: 256 }], 8192, DEFAULT_MAX_EVENTS, { kind: 'options' })).not.toThrow()
  })

  it('refuses 10⁶ requests with a request count that fits', () => {
    const big = [{ name: 'workload', requests: 1_000_000, promptTokens: 512, outputTokens: 256 }]
    expect(() => checkPredictBudget(big, 8192, DEFAULT_MAX_EVENTS, { kind: 'options' })).toThrow(
      expect.objectContaining({ code: 'MLNB_USAGE', message: expect.stringContaining('about 257,000,000 simulated token events, over the --max-events budget of 5,000,000') }),
    )
    expect(() => checkPredictBudget(big, 8192, DEFAULT_MAX_EVENTS, { kind: 'options' })).toThrow('Use --requests 1,000 or fewer')
  })

  it('names the experiment and the config file, counting the other experiments against the budget', () => {
    const specs = [
      { name: 'small', requests: 100, promptTokens: 10, outputTokens: 99 },
      { name: 'big', requests: 100, promptTokens: 10, outputTokens: 999 },
    ]
    // 100 × 100 + 100 × 1000 = 110 000 events; 50 000 leave 40 000 for "big": 40 requests.
    expect(() => checkPredictBudget(specs, 8192, 50_000, { kind: 'file', file: 'perf.yml' })).toThrow('Lower num_tasks (about 40 fit) or max_tokens of experiment "big" in perf.yml')
  })
})
