/** `history list` and the HTML report show the gate's verdict of a run, not only "2/2 passed". */
import { describe, expect, it } from 'vitest'
import { renderHistoryList, runDescription, type RunGate } from '../../src/history/list-text.js'
import type { HistoryRunInfo } from '../../src/history/store.js'
import { renderHtmlReport } from '../../src/html-report/index.js'

const run = (seq: number, gate?: RunGate): HistoryRunInfo => ({ seq, runId: `run-${seq}`, source: 'mlnode-bench', date: `2026-01-0${seq}T00:00:00.000Z`, state: 'complete', results: 2, passed: 2, simulated: true, ...(gate ? { extra: { gate } } : {}) })

describe('the gate verdict in the history', () => {
  it('a run whose results all passed but which failed the gate says so', () => {
    expect(runDescription(run(2, { verdict: 'regressed', regressed: 3, improved: 0, unchanged: 10 }))).toBe('2/2 passed, SIMULATED, gate FAILED: 3 regressed')
    expect(runDescription(run(1, { verdict: 'passed', regressed: 0, improved: 2, unchanged: 10 }))).toBe('2/2 passed, SIMULATED, gate passed (2 improved)')
    expect(runDescription(run(3, { verdict: 'no baseline' }))).toBe('2/2 passed, SIMULATED, gate: no baseline')
    // Runs stored by older versions (or `history add`) carry no verdict: nothing is made up.
    expect(runDescription(run(4))).toBe('2/2 passed, SIMULATED')
    expect(renderHistoryList([run(2, { verdict: 'regressed', regressed: 3 })])).toContain('gate FAILED: 3 regressed')
  })

  it('the HTML report marks a run that failed the gate as failed', async () => {
    const html = await renderHtmlReport({ title: 't', generatedAt: '2026-01-05T00:00:00.000Z', simulated: true, runs: [run(2, { verdict: 'regressed', regressed: 1 }), run(1, { verdict: 'passed', regressed: 0 })], comparisons: [], verdicts: [], validation: [], sections: [] })
    expect(html).toMatch(/<tr class="failed" data-failed="true"><td>2<\/td>/)
    expect(html).toMatch(/<tr data-failed="false"><td>1<\/td>/)
  })
})
