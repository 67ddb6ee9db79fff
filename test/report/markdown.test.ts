import { describe, expect, it } from 'vitest'
import { updateBaseline } from '../../src/report/baseline.js'
import { diffResults } from '../../src/report/diff.js'
import { renderMarkdown, STICKY_MARKER } from '../../src/report/markdown.js'
import type { BenchResult, Provenance } from '../../src/contracts/results.js'
import { passedResult } from '../fixtures/reporters-shared/make-results.js'

const provenance: Provenance = { tool: { name: 'mlnode-bench', version: '0.1.0' }, date: '2025-01-01T00:00:00.000Z', git: { commit: 'c0ffee0'.padEnd(40, '0'), dirty: false } }

function scenario() {
  const baseline = updateBaseline(undefined, [passedResult('Qwen/QwQ-32B', 'tp4-pp1', 'chat', { seed: 1 }), passedResult('Qwen/QwQ-32B', 'tp2-pp2', 'chat', { seed: 2 }), passedResult('Qwen/QwQ-32B', 'tp8', 'chat')], provenance).baseline
  const failed: BenchResult = { ...passedResult('Qwen/QwQ-32B', 'tp1|odd', 'chat'), status: 'failed', failure: { kind: 'guard', code: 'MLNB_ARGS_GUARD', message: 'variant changes --max-model-len <b>' } }
  delete failed.metrics
  return diffResults(baseline, [passedResult('Qwen/QwQ-32B', 'tp4-pp1', 'chat', { seed: 5, scale: 1.3 }), passedResult('Qwen/QwQ-32B', 'tp2-pp2', 'chat', { seed: 6 }), failed])
}

describe('renderMarkdown', () => {
  it('renders a stable PR comment (snapshot)', async () => {
    const md = renderMarkdown(scenario(), { run: { ...provenance, git: { commit: 'feed123'.padEnd(40, '0'), dirty: true } } })
    expect(md.startsWith(`${STICKY_MARKER}\n## mlnode-bench: ❌ `)).toBe(true)
    expect(md).toContain('**Simulated results**')
    expect(md).toContain('tp1\\|odd')
    expect(md).toContain('&lt;b&gt;')
    expect(md).toContain('<details><summary>1 in the baseline but not in this run</summary>')
    await expect(md).toMatchFileSnapshot('./__snapshots__/summary.md')
  })

  it('is deterministic', () => {
    expect(renderMarkdown(scenario())).toBe(renderMarkdown(scenario()))
  })
})
