/** plan's progress: printed from the synchronous search's own steps (fake clock), per mode. */
import { describe, expect, it } from 'vitest'
import { startPlanProgress } from '../../src/cli/planning/plan-progress.js'
import { searchPlan } from '../../src/planner/search.js'
import { getHardwareProfile, getModelSpec } from '../../src/model/index.js'

/** Runs a real search (Qwen2.5-7B on 8 L4s) with a clock that advances 100 ms per reading. */
function planWithProgress(mode: 'tty' | 'plain', intervalS: number) {
  let nowMs = 0
  const out: string[] = []
  const progress = startPlanProgress({ label: 'plan m on box', mode, intervalS, write: (t) => out.push(t), now: () => (nowMs += 100) })
  const requests = Array.from({ length: 16 }, () => ({ promptTokens: 256, outputTokens: 32 }))
  const outcome = searchPlan({
    model: 'Qwen/Qwen2.5-7B-Instruct',
    modelSpec: getModelSpec('Qwen/Qwen2.5-7B-Instruct'),
    mandatoryArgs: [],
    dtype: 'auto',
    hardware: getHardwareProfile('8xl4'),
    workloads: [{ name: 'w', requests, concurrency: 4 }],
    objective: 'throughput',
    onStep: (step) => progress.step(step),
  })
  progress.stop()
  return { out, outcome }
}

describe('plan progress', () => {
  it('plain (CI logs): a line per interval naming the phase, counts, elapsed and ETA', () => {
    const { out, outcome } = planWithProgress('plain', 0.25)
    expect(outcome.ranked.length).toBeGreaterThan(0)
    expect(out.length).toBeGreaterThan(1)
    for (const line of out) expect(line).toMatch(/^plan m on box: (layouts \d+\/\d+ evaluated, \d+ rejected so far, [\d.]+ s elapsed, ETA [\d.]+ s|speed knobs of the best layouts \d+\/\d+ evaluated, \d+ rejected so far, [\d.]+ s elapsed)\n$/)
    expect(out[0]).toMatch(/: layouts /)
  })

  it('terminal: one line redrawn in place, ended by a newline; interval 0 prints nothing', () => {
    const { out } = planWithProgress('tty', 10)
    expect(out.length).toBeGreaterThan(1)
    for (const text of out.slice(0, -1)) expect(text).toMatch(/^\rplan m on box: .*\x1b\[K$/)
    expect(out.at(-1)).toBe('\n')
    expect(planWithProgress('tty', 0).out).toEqual([])
  })
})
