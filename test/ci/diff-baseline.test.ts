/** `mlnode-bench diff` never passes with the gate off: a missing baseline, a corrupt one, an invalid entry. */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runCli } from '../helpers/run-cli.js'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { updateBaseline } from '../../src/report/baseline.js'
import type { Provenance } from '../../src/contracts/results.js'
import { passedResult } from '../fixtures/reporters-shared/make-results.js'
import { validateJUnit } from '../report/xmllint.js'
import { PROCESS_TEST_TIMEOUT_MS } from '../timeouts.js'

// Every test here runs whole CLI commands (in process): a deadline against hangs, not a speed check.
vi.setConfig({ testTimeout: PROCESS_TEST_TIMEOUT_MS })

const provenance: Provenance = { tool: { name: 'mlnode-bench', version: '0.1.0' }, date: '2025-02-01T00:00:00.000Z' }
let dir: string
let results: string

function cli(args: string[]) {
  return runCli(['diff', '--results', results, ...args], { MLNODE_BENCH_UPDATE_BASELINE: '' })
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mlnb-diff-baseline-'))
  results = join(dir, 'results.json')
  await writeFile(results, JSON.stringify({ schemaVersion: 1, provenance, results: [passedResult('m', 'tp4', 'chat', { seed: 4, scale: 1.4 }), passedResult('m', 'tp8', 'chat')] }))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('mlnode-bench diff and the baseline file', () => {
  it('a missing --baseline is a named error (exit 1), reports still written, unless --allow-missing-baseline', async () => {
    const typo = join(dir, 'basline.json')
    const md = join(dir, 'missing.md')
    const xml = join(dir, 'missing.xml')
    const r = await cli(['--baseline', typo, '--markdown', md, '--junit', xml])
    expect(r.exitCode).toBe(1)
    expect(r.stderr).toContain(`mlnode-bench diff: No baseline at ${typo}: the file does not exist, so nothing was gated.`)
    expect(await readFile(md, 'utf8')).toContain(`## mlnode-bench: ❌ no baseline at ${typo}, nothing was gated`)
    await validateJUnit(xml)
    expect(await readFile(xml, 'utf8')).toContain(`<failure message="No baseline at ${typo}`)

    const allowed = await cli(['--baseline', typo, '--allow-missing-baseline'])
    expect(allowed.exitCode).toBe(0)
    expect(allowed.stdout).toContain(`No baseline yet at ${typo}: 2 result(s) are new, nothing was gated.`)
  })

  it('an invalid entry fails the run and is named; the other entry still gates', async () => {
    const baseline = updateBaseline(undefined, [passedResult('m', 'tp4', 'chat', { seed: 1 }), passedResult('m', 'tp8', 'chat', { seed: 2 })], provenance).baseline as Record<string, any>
    baseline.results.m.tp8.chat.target.hardware = 42
    const file = join(dir, 'baseline.json')
    await writeFile(file, JSON.stringify(baseline))
    const r = await cli(['--baseline', file])
    expect(r.exitCode).toBe(1)
    expect(r.stdout).toContain(`NOT GATED m › tp8 › chat (invalid baseline entry): ${file}: results.m.tp8.chat: target.hardware must be string, got 42`)
    expect(r.stdout).toMatch(/REGRESSION m › tp4 › chat \[simulated\]: TTFT p50/)
  })

  it('a corrupt baseline still gets its reports, then fails with the file and the problem', async () => {
    const file = join(dir, 'corrupt.json')
    await writeFile(file, '{"schemaVersion": 1,')
    const md = join(dir, 'corrupt.md')
    const r = await cli(['--baseline', file, '--markdown', md])
    expect(r.exitCode).toBe(1)
    expect(r.stderr).toContain(`Baseline ${file} is corrupt: not valid JSON`)
    expect(await readFile(md, 'utf8')).toContain(`## mlnode-bench: ❌ baseline ${file} is corrupt, nothing was gated`)
  })
})
