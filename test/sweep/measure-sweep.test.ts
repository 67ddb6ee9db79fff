/** A sweep measured against real loopback servers: a server broken at the lowest load fails the bench, the sweep kept. */
import { describe, expect, it, onTestFinished } from 'vitest'
import type { SweepResult } from '../../src/contracts/results.js'
import type { WorkloadSpec } from '../../src/contracts/workload.js'
import { measureSweep } from '../../src/run/measure-sweep.js'
import { consoleInto } from '../run/console-lines.js'
import { startHttp, vllmChatEvents, writeEvents } from '../load/helpers/server.js'

/** Answers /v1/models; every completion fails with HTTP 500 when `broken`, else streams two tokens. */
async function server(broken: boolean) {
  const s = await startHttp((req, res) => {
    if (req.url?.endsWith('/models')) return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"data":[]}')
    if (broken) return void res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":"boom"}')
    void writeEvents(res, vllmChatEvents(['a', 'b'], 5))
  })
  onTestFinished(() => s.close())
  return s.url
}

const spec: WorkloadSpec = { name: 'sweep', requests: 6, prompt: { tokens: 10 }, maxTokens: 2, slo: { ttftMs: 5000 }, sweep: { over: 'concurrency', from: 1, to: 3, steps: 3 } }
const suite = { model: 'm', workloadTimeoutS: 30, maxFailureRate: 0 }

describe('measureSweep', () => {
  it('measures every step as a workload of its own and passes them all against a healthy server', async () => {
    const partials: Array<[number, number, number]> = []
    const onStep = (s: SweepResult, settled: number, planned: number) => void partials.push([s.steps.length, settled, planned])
    const measured = await measureSweep({ spec, suite, subject: 'm tp1 sweep', label: '[m tp1] sweep', inferenceUrl: await server(false), simulatedTime: false, onStep })
    expect(measured.failure).toBeUndefined()
    // The partial result after each step counts requests (6 a step) of all planned (3 × 6).
    expect(partials).toEqual([[1, 6, 18], [2, 12, 18], [3, 18, 18]])
    expect(measured.sweep.steps.map((s) => [s.load, s.state, s.metrics?.requests.completed])).toEqual([[1, 'passed', 6], [2, 'passed', 6], [3, 'passed', 6]])
    expect(measured.sweep.capacityAtSlo).toEqual({ value: 3, bracket: [3, null], unit: 'concurrency' })
    expect(measured.clientLoopDelay?.wallMs).toBeGreaterThan(0)
  })

  it('fails the bench when the lowest load already fails requests (broken, not overloaded), keeping the sweep', async () => {
    const lines: string[] = []
    const measured = await measureSweep({ spec, suite, subject: 'm tp1 sweep', label: '[m tp1] sweep', inferenceUrl: await server(true), simulatedTime: false, events: consoleInto(lines) })
    expect(measured.failure?.code).toMatch(/^MLNB_LOAD/)
    expect(measured.failure?.message).toMatch(/^m tp1 sweep \(its lowest load, sweep @ concurrency 1\): /)
    // Two failed steps in a row: the third is skipped.
    expect(measured.sweep.steps.map((s) => s.state)).toEqual(['failed', 'failed', 'skipped'])
    expect(measured.sweep.capacityAtSlo).toEqual({ value: 0, bracket: [null, 1], unit: 'concurrency' })
    expect(lines.some((l) => l.includes('SLO broken in 2 steps in a row'))).toBe(true)
  })
})
