/** predict's progress: ticked from the synchronous simulation's own callbacks (fake clock). */
import { describe, expect, it } from 'vitest'
import { predictWorkloads, type PredictInput } from '../../src/cli/commands/predict.js'
import { startProgress } from '../../src/run/progress.js'
import { testPlan } from '../sim/plan.js'

describe('predict progress', () => {
  it('prints lines with the counts while the simulation runs, then the prediction', () => {
    let nowMs = 0
    const lines: string[] = []
    // Each clock reading advances 5 ms: the 200-request simulation "takes" well over a second.
    const now = (): number => (nowMs += 5)
    // predictWorkloads hands the plan to the engine only: the simulator tests' hand-built plan will do.
    const requests = Array.from({ length: 200 }, () => ({ promptTokens: 64, outputTokens: 16 }))
    const [prediction] = predictWorkloads({ plan: testPlan() as unknown as PredictInput['plan'], instances: 1, workloads: [{ name: 'w', requests, concurrency: 8 }] }, (name, total) =>
      startProgress({ label: `predict ${name}`, total, intervalS: 1, print: (l) => lines.push(l), now }),
    )
    expect(prediction!.metrics.requests.completed).toBe(200)
    expect(lines.length).toBeGreaterThan(0)
    for (const line of lines) expect(line).toMatch(/^predict w: \d+\/200 requests done, [0-8] in flight, 0 failed, [\d.]+ out tok\/s, \d+ s elapsed, ETA \d+ s$/)
    const done = lines.map((l) => Number(/: (\d+)\//.exec(l)![1]))
    expect(done).toEqual([...done].sort((a, b) => a - b))
  })
})
