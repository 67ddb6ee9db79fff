/** The workflow keeps the run history, uploads the HTML report and links it from the PR comment. */
import { readFile } from 'node:fs/promises'
import { parse } from 'yaml'
import { describe, expect, it } from 'vitest'
import { withReportLink } from '../../src/outputs/github-comment.js'
import { STICKY_MARKER } from '../../src/report/markdown.js'

interface Step { name?: string; id?: string; uses?: string; run?: string; if?: string; env?: Record<string, string>; with?: Record<string, string> }

describe('HTML report in the workflow', () => {
  it('restores and saves the history, writes the report, uploads it and links it from the comment', async () => {
    const wf = parse(await readFile(new URL('../../ci/bench.yml', import.meta.url), 'utf8')) as { jobs: { report: { steps: Step[] } } }
    const steps = wf.jobs.report.steps
    const at = (pred: (s: Step) => boolean): number => steps.findIndex(pred)
    const restore = at((s) => s.uses === 'actions/cache/restore@v4')
    const merge = at((s) => s.run?.includes('mlnode-bench merge') === true)
    const report = at((s) => s.run?.includes('npx mlnode-bench report --out .mlnode-bench/report.html') === true)
    const save = at((s) => s.uses === 'actions/cache/save@v4')
    const upload = at((s) => s.id === 'html-report')
    const comment = at((s) => s.run?.includes('mlnode-bench comment') === true)
    expect([restore, merge, report, save, upload, comment].every((i) => i >= 0)).toBe(true)
    expect(restore < merge && merge < report && report < save && save < upload && upload < comment).toBe(true)
    expect(steps[report]!.run).toContain('npx mlnode-bench history add .mlnode-bench/results.json')
    expect(steps[restore]!.with!.path).toBe('.mlnode-bench/history.sqlite')
    expect(steps[save]!.with!.key).toBe(steps[restore]!.with!.key)
    expect(steps[upload]).toMatchObject({ uses: 'actions/upload-artifact@v4', with: { name: 'bench-html-report', path: '.mlnode-bench/report.html' } })
    expect(steps[comment]!.env!.REPORT_URL).toBe('${{ steps.html-report.outputs.artifact-url }}')
    expect(steps[comment]!.run).toContain('--report-url "$REPORT_URL"')
  })

  it('puts the link under the headline of the summary', () => {
    const body = `${STICKY_MARKER}\n## mlnode-bench: ✅ no regression\n\n| a | b |`
    const linked = withReportLink(body, 'https://github.com/o/r/actions/runs/1/artifacts/2')
    expect(linked.split('\n').slice(0, 4)).toEqual([STICKY_MARKER, '## mlnode-bench: ✅ no regression', '', expect.stringContaining('[HTML report with charts](https://github.com/o/r/actions/runs/1/artifacts/2)')])
  })
})
