/** Reports of a partial or unfinished run: kept results apart and never judged, INCOMPLETE flagged. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it, onTestFinished } from 'vitest'
import { diffResults } from '../../src/report/diff.js'
import { renderJUnit } from '../../src/report/junit.js'
import { renderMarkdown, renderRunningMarkdown } from '../../src/report/markdown.js'
import type { BenchResult, RunInfo, RunStamp } from '../../src/contracts/results.js'
import { passedResult } from '../fixtures/reporters-shared/make-results.js'
import { validateJUnit } from './xmllint.js'

const EARLIER: RunStamp = { id: '20250101T000000Z-aaaaaa', date: '2025-01-01T00:00:00.000Z', git: { commit: 'abc1234'.padEnd(40, '0'), dirty: false } }
const THIS: RunInfo = { id: '20250102T000000Z-bbbbbb', date: '2025-01-02T00:00:00.000Z', state: 'complete', endedAt: '2025-01-02T00:10:00.000Z' }
const measured: BenchResult = { ...passedResult('Qwen/QwQ-32B', 'tp4-pp1', 'chat'), run: THIS }
const keptFailed: BenchResult = { ...passedResult('Qwen/QwQ-32B', 'tp8', 'chat'), status: 'failed', failure: { kind: 'deploy', message: 'vLLM exited' }, run: EARLIER }

async function junitFile(xml: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'mlnb-run-state-'))
  onTestFinished(() => rm(dir, { recursive: true, force: true }))
  await writeFile(join(dir, 'junit.xml'), xml)
  return join(dir, 'junit.xml')
}

describe('JUnit of a partial run', () => {
  it('shows a result kept from an earlier run as skipped, naming its run and outcome, never as a failure', async () => {
    const xml = renderJUnit([measured, keptFailed], { diff: diffResults(undefined, [measured]), run: THIS })
    await validateJUnit(await junitFile(xml))
    expect(xml).toMatch(/<testsuites name="mlnode-bench" tests="2" failures="0" errors="0" skipped="1">/)
    expect(xml).toContain('<system-out><![CDATA[Kept from an earlier run: not re-run by this run; failed (deploy: vLLM exited) in the earlier run 20250101T000000Z-aaaaaa (2025-01-01 00:00 UTC, abc1234)]]></system-out>')
    expect(xml).toContain('<property name="run_state" value="complete"/>')
    expect(xml).not.toContain('type="incomplete"')
  })

  it('fails a run that has not finished or was interrupted with its own testcase', async () => {
    for (const state of ['running', 'interrupted'] as const) {
      const xml = renderJUnit([keptFailed], { run: { ...THIS, state } })
      await validateJUnit(await junitFile(xml))
      expect(xml).toMatch(new RegExp(`<testcase classname="mlnode-bench" name="run ${THIS.id}">\\s*<failure message="INCOMPLETE: run ${THIS.id} \\(2025-01-02 00:00 UTC\\) (has not finished|was interrupted)`))
      expect(xml).toContain(`<property name="run_state" value="${state}"/>`)
    }
  })
})

describe('summary.md of a partial or unfinished run', () => {
  it('judges only this run and lists kept results apart with their run', () => {
    const md = renderMarkdown(diffResults(undefined, [measured]), { runInfo: THIS, kept: [keptFailed] })
    expect(md).toMatch(/^<!-- mlnode-bench:summary -->\n## mlnode-bench: ✅ 0 regressions · .* · 1 new · 1 kept from earlier runs\n/)
    expect(md).not.toContain('### ❌')
    expect(md).toContain('### ⏮️ 1 kept from earlier runs (not re-run now, not judged)')
    expect(md).toContain('| Qwen/QwQ-32B | tp8 | chat | ❌ deploy | run 20250101T000000Z-aaaaaa (2025-01-01 00:00 UTC, abc1234) |')
  })

  it('says INCOMPLETE in the headline of an interrupted run and in the summary written at the start', () => {
    const interrupted = renderMarkdown(diffResults(undefined, [measured]), { runInfo: { ...THIS, state: 'interrupted' } })
    expect(interrupted).toMatch(/\n## mlnode-bench: ⚠️ INCOMPLETE · /)
    expect(interrupted).toContain(`> INCOMPLETE: run ${THIS.id} (2025-01-02 00:00 UTC) was interrupted;`)
    const running = renderRunningMarkdown({ ...THIS, state: 'running' }, [keptFailed], [measured])
    expect(running).toMatch(new RegExp(`\\n## mlnode-bench: ⚠️ INCOMPLETE: run ${THIS.id} \\(2025-01-02 00:00 UTC\\) has not finished\\n`))
    expect(running).toContain('### ⏳ 1 measured so far (not compared with the baseline yet)\n\n| Model | Variant | Workload | Status |\n|---|---|---|---|\n| Qwen/QwQ-32B | tp4-pp1 | chat | ✅ passed |')
    expect(running).toContain('### ⏮️ 1 kept from earlier runs')
  })
})
