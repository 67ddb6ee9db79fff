/** Every report says when the baseline could not gate: corrupt, missing, or an invalid entry. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { updateBaseline } from '../../src/report/baseline.js'
import type { BaselineStatus } from '../../src/report/baseline-status.js'
import { loadBaseline } from '../../src/outputs/baseline-file.js'
import { diffResults } from '../../src/report/diff.js'
import { renderDiffText } from '../../src/report/diff-text.js'
import { renderJUnit } from '../../src/report/junit.js'
import { renderMarkdown } from '../../src/report/markdown.js'
import type { Provenance } from '../../src/contracts/results.js'
import { passedResult } from '../fixtures/reporters-shared/make-results.js'
import { validateJUnit } from './xmllint.js'

const provenance: Provenance = { tool: { name: 'mlnode-bench', version: '0.1.0' }, date: '2025-01-01T00:00:00.000Z', git: { commit: 'c0ffee0'.padEnd(40, '0'), dirty: false } }
let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mlnb-status-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

/** Loads `text` (or nothing) as the baseline and renders all reports of a run of tp4 (30 % slower) and tp8. */
async function reports(name: string, text: string | undefined, required = false) {
  const path = join(dir, `${name}.json`)
  if (text !== undefined) await writeFile(path, text)
  const { baseline, status } = await loadBaseline(path, { shownAs: `${name}.json`, required })
  const run = [passedResult('m', 'tp4', 'chat', { seed: 5, scale: 1.3 }), passedResult('m', 'tp8', 'chat', { seed: 6 })]
  const diff = diffResults(baseline, run)
  const xmlFile = join(dir, `${name}.xml`)
  const xml = renderJUnit(run, { diff, baseline: status })
  await writeFile(xmlFile, xml)
  await validateJUnit(xmlFile)
  return { status, diff, md: renderMarkdown(diff, { baseline: status }), xml, text: renderDiffText(diff, `${name}.json`, status) }
}

function validBaseline(): Record<string, any> {
  return updateBaseline(undefined, [passedResult('m', 'tp4', 'chat', { seed: 1 }), passedResult('m', 'tp8', 'chat', { seed: 2 })], provenance).baseline
}

describe('baseline status in the reports', () => {
  it('an invalid entry is named everywhere and not judged; the other entry still gates', async () => {
    const data = validBaseline()
    data.results.m.tp8.chat.target.hardware = 42
    const { status, diff, md, xml, text } = await reports('invalid', JSON.stringify(data))
    expect(status).toMatchObject({ state: 'found', invalid: [{ variant: 'tp8', problems: ['target.hardware must be string, got 42'] }] })
    expect(diff.counts.regressed).toBeGreaterThan(0)
    expect(md).toMatch(/^.*\n## mlnode-bench: ❌ 1 invalid baseline entry not gated · \d+ regressions/)
    expect(md).toContain('> - invalid.json: results.m.tp8.chat: target.hardware must be string, got 42. This entry was not gated.')
    expect(md).toContain('| tp8 | — | | | | | ⚠️ baseline entry invalid, not judged |')
    expect(xml).toContain('<testcase classname="mlnode-bench.baseline" name="baseline entry m › tp8 › chat">')
    expect(xml).toContain('<failure message="invalid.json: results.m.tp8.chat: target.hardware must be string, got 42. This entry was not gated." type="baseline"/>')
    expect(xml).toContain('<property name="baseline_entry" value="invalid, not judged"/>')
    expect(text).toContain('NOT GATED m › tp8 › chat (invalid baseline entry): invalid.json: results.m.tp8.chat: target.hardware must be string, got 42')
    expect(text).not.toContain('new (no baseline): m › tp8')
  })

  it('a corrupt baseline leads the summary as a failure and fails the JUnit baseline testcase', async () => {
    const { status, md, xml } = await reports('corrupt', '{"schemaVersion": 1,')
    expect(status.state).toBe('corrupt')
    expect(md).toMatch(/\n## mlnode-bench: ❌ baseline corrupt\.json is corrupt, nothing was gated · 0 regressions/)
    expect(md).not.toContain('No baseline yet')
    expect(md).toContain('Baseline corrupt.json is corrupt and was not used.')
    expect(xml).toMatch(/<testcase classname="mlnode-bench.baseline" name="baseline file corrupt.json">\s*<failure message="Baseline .*corrupt.json is corrupt: not valid JSON/)
  })

  it('a missing baseline is a first run unless required: never a green headline', async () => {
    const first = await reports('first-run', undefined)
    expect(first.md).toMatch(/\n## mlnode-bench: ⚠️ no baseline yet \(first-run.json\), nothing was gated · 0 regressions/)
    expect(first.xml).toMatch(/name="baseline file first-run.json">\s*<skipped\/>\s*<system-out><!\[CDATA\[No baseline yet at first-run.json/)
    expect(first.xml).not.toContain('<failure')

    const required = await reports('required', undefined, true)
    expect(required.md).toMatch(/\n## mlnode-bench: ❌ no baseline at required.json, nothing was gated/)
    expect(required.xml).toContain('<failure message="No baseline at required.json: the file does not exist, so nothing was gated.')
  })

  it('a valid baseline adds a passing baseline testcase and no warning', async () => {
    const { md, xml, status } = await reports('valid', JSON.stringify(validBaseline()))
    expect(status).toEqual<BaselineStatus>({ file: 'valid.json', state: 'found', required: false, invalid: [] })
    expect(md).not.toContain('[!CAUTION]')
    expect(xml).toContain('<testcase classname="mlnode-bench.baseline" name="baseline file valid.json"/>')
  })
})
