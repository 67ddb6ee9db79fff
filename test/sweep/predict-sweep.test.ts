/** `predict --sweep` in process: the curve and capacity from the model, the same fold and renderer a measured sweep has. */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { run } from '../../src/cli/commands/predict.js'
import type { SweepResult } from '../../src/contracts/results.js'
import { capacityText } from '../../src/report/sweep-comparison.js'
import { parseSweepOption } from '../../src/planner/predict-sweep.js'

const ARGS = ['--hardware', '4xrtx-3090', '--model', 'Qwen/Qwen2.5-7B-Instruct', '--args', '--quantization fp8 -tp 1', '--prompt-tokens', '2000', '--max-tokens', '100', '--requests', '40', '--concurrency', '64']

function capture(): { out: string[]; err: string[] } {
  const out: string[] = []
  const err: string[] = []
  vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')))
  vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')))
  return { out, err }
}

afterEach(() => vi.restoreAllMocks())

describe('mlnode-bench predict --sweep', () => {
  it('prints the predicted curve, the knee and the capacity at SLO; --json carries the same sweep', async () => {
    const text = capture()
    expect(await run([...ARGS, '--sweep', 'rate:2:6:5', '--slo-ttft-ms', '2000', '--slo-tpot-ms', '50'])).toBe(0)
    const stdout = text.out.join('\n')
    expect(stdout).toMatch(/^PREDICTION \(simulated by the performance model, not measured\)/)
    expect(stdout).toContain('Sweep over rate, SLO TTFT ≤ 2000 ms, TPOT ≤ 50 ms for 90 % of requests (PREDICTED):')
    expect(text.err.some((l) => /^predict sweep: step 1\/5 2 req\/s: .* → (passed|failed); /.test(l))).toBe(true)
    vi.restoreAllMocks()

    const json = capture()
    expect(await run([...ARGS, '--sweep', 'rate:2:6:5', '--slo-ttft-ms', '2000', '--slo-tpot-ms', '50', '--json'])).toBe(0)
    const sweep = (JSON.parse(json.out.join('')) as { sweep: SweepResult }).sweep
    expect(sweep.steps.map((s) => s.load)).toEqual([2, 3, 4, 5, 6])
    // The model is deterministic: the text run's capacity is the JSON run's.
    expect(stdout).toContain(`Capacity at SLO (predicted): ${capacityText(sweep)}`)
    const knee = sweep.capacityAtSlo.bracket[0]
    expect(knee).not.toBeNull()
    expect(stdout).toMatch(new RegExp(`predicted\\s+${knee}\\s+.*passed ◆`))
  })

  it('refuses a sweep without an SLO, and a malformed --sweep, as usage errors', async () => {
    capture()
    await expect(run([...ARGS, '--sweep', 'rate:2:6:5'])).rejects.toThrow(/--sweep needs an SLO/)
    await expect(run([...ARGS, '--sweep', 'rate:2:6', '--slo-ttft-ms', '100'])).rejects.toThrow(/--sweep = "rate:2:6" must be <rate\|concurrency>:<from>:<to>:<steps>/)
    await expect(run([...ARGS, '--sweep', 'rate:6:2:5', '--slo-ttft-ms', '100'])).rejects.toThrow(/sweep.to = 2 must be above sweep.from \(6\)/)
  })

  it('parses the option', () => {
    expect(parseSweepOption('concurrency:1:64:7', { attainment: 0.95 })).toEqual({ over: 'concurrency', from: 1, to: 64, steps: 7, attainment: 0.95 })
    expect(parseSweepOption('rate:1:16:8:search')).toEqual({ over: 'rate', from: 1, to: 16, steps: 8, search: true })
    expect(() => parseSweepOption('rate:1:16:8:grid')).toThrow(/--sweep = "rate:1:16:8:grid" must be/)
  })
})
