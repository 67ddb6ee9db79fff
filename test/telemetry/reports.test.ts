/**
 * A simulated workload that overloads the KV cache: its preemptions, read from the simulator's
 * vLLM /metrics page by the sampler, show in every report a run writes (console comparison,
 * summary.md, JUnit, results.json, HTML).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServerTelemetry } from '../../src/telemetry/sampler.js'
import type { BenchResult, RunResults, ServerTelemetry, TargetInfo } from '../../src/contracts/results.js'
import { renderComparison } from '../../src/report/comparison.js'
import { renderMarkdown } from '../../src/report/markdown.js'
import { diffResults } from '../../src/report/diff.js'
import { renderJUnit } from '../../src/report/junit.js'
import { runResultsSchema } from '../../src/contracts/schema/results-schema.js'
import { buildReportData, renderHtmlReport } from '../../src/html-report/index.js'
import type { HistoryRun } from '../../src/history/store.js'
import { passedResult } from '../fixtures/reporters-shared/make-results.js'
import { startSimulator, type SimulatorHandle } from '../../src/sim/index.js'
import { postJson, testPlanner, up } from '../sim/helpers.js'
import { testPlan } from '../sim/plan.js'

const simulated: TargetInfo = { kind: 'simulated', hardware: '8xh100', simulatedTime: true }
let telemetry: ServerTelemetry
let results: BenchResult[]
let sim: SimulatorHandle | undefined
afterAll(() => sim?.close())

beforeAll(async () => {
  // One replica with 40 KV blocks of 16 tokens; eight streams of ~120 prompt + 200 output tokens outgrow it (as test/telemetry/sim-metrics.test.ts).
  const started = await startSimulator({
    clock: 'wall',
    speed: 20,
    planner: (request, hardware) => {
      const planned = testPlanner(request, hardware)
      return planned.plan ? { ...planned, instances: 1, plan: testPlan({ maxModelLen: 640 }, 40) } : planned
    },
  })
  sim = started
  await up(started, 'test/model', ['-tp', '8'])
  const recorder = startServerTelemetry([`${started.inferenceUrl}/metrics`], { intervalS: 0.005 })
  const body = { model: 'test/model', messages: [{ role: 'user', content: 'abcd '.repeat(60) }], max_tokens: 200, ignore_eos: true, stream: true }
  await Promise.all(Array.from({ length: 8 }, () => postJson(`${started.inferenceUrl}/v1/chat/completions`, body).then((r) => r.text())))
  telemetry = await recorder.stop()
  results = [{ ...passedResult('test/model', 'kv-tight', 'overload', { target: simulated }), serverTelemetry: telemetry }, passedResult('test/model', 'roomy', 'overload', { target: simulated, scale: 1.2 })]
})

describe('preemptions of a KV-overloading workload in every report', () => {
  it('the sampler saw them', () => {
    expect(telemetry.preemptions).toBeGreaterThan(0)
  })

  it('console comparison', () => {
    expect(renderComparison(results)).toMatch(new RegExp(`kv-tight server \\(vLLM /metrics, 1 page, \\d+ samples?, simulated\\): .*preemptions ${telemetry.preemptions}`))
  })

  it('summary.md', () => {
    const md = renderMarkdown(diffResults(undefined, results))
    expect(md).toContain('### Server view (vLLM /metrics)')
    const row = md.split('\n').find((l) => l.startsWith('| test/model › kv-tight › overload (simulated) |'))!
    expect(row.split('|').map((c) => c.trim())).toContain(String(telemetry.preemptions))
  })

  it('JUnit', () => {
    const xml = renderJUnit(results)
    expect(xml).toContain(`<property name="simulated_server_preemptions" value="${telemetry.preemptions}"/>`)
    expect(xml).toContain('<property name="server_metric_names" value="')
  })

  it('results.json (schema-valid, preemptions kept)', () => {
    const file: RunResults = { schemaVersion: 1, provenance: { tool: { name: 'mlnode-bench', version: '0' }, date: '2026-01-01T00:00:00.000Z' }, results }
    const parsed = runResultsSchema.parse(JSON.parse(JSON.stringify(file))) as RunResults
    expect(parsed.results[0]!.serverTelemetry?.preemptions).toBe(telemetry.preemptions)
  })

  it('HTML report', async () => {
    const run: HistoryRun = { seq: 1, runId: 'r1', source: 'mlnode-bench', date: '2026-01-01T00:00:00.000Z', state: 'complete', results: 2, passed: 2, simulated: true, provenance: { tool: { name: 'mlnode-bench', version: '0' }, date: '2026-01-01T00:00:00.000Z' }, entries: results }
    const html = await renderHtmlReport(buildReportData({ runs: [run], generatedAt: '2026-01-02T00:00:00.000Z' }))
    expect(html).toMatch(new RegExp(`<li>kv-tight server \\(vLLM /metrics[^<]*preemptions ${telemetry.preemptions}`))
  })
})
