/**
 * Runs REAL vitest bench on test/fixtures/reporters-run and checks what the reporters wrote:
 * JUnit (schema-valid, failures for a throwing bench and a failed beforeAll), the baseline update,
 * the regression gate's exit code and the Markdown summary.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { execa } from 'execa'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseBaseline } from '../../src/report/baseline.js'
import { parseRunResults } from '../../src/report/run-results.js'
import { validateJUnit } from '../report/xmllint.js'
import { CHILD_TIMEOUT_MS, PROCESS_TEST_TIMEOUT_MS } from '../timeouts.js'

const root = fileURLToPath(new URL('../fixtures/reporters-run/', import.meta.url))
const vitestBin = fileURLToPath(new URL('../../node_modules/vitest/vitest.mjs', import.meta.url))
let out: string

beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), 'mlnb-reporters-'))
})
afterAll(async () => {
  await rm(out, { recursive: true, force: true })
})

function runBench(filters: string[], env: Record<string, string> = {}) {
  return execa(process.execPath, [vitestBin, 'bench', '--run', '--root', root, ...filters], {
    reject: false,
    env: { MLNB_FIXTURE_OUT: out, MLNODE_BENCH_UPDATE_BASELINE: '', FORCE_COLOR: '0', NO_COLOR: '1', ...env },
    timeout: CHILD_TIMEOUT_MS,
  })
}

describe('reporters on a real vitest bench run', () => {
  it('reports a throwing bench and a failed beforeAll as failures in valid JUnit', async () => {
    const r = await runBench([])
    expect(r.exitCode).toBe(1)
    const xml = await readFile(join(out, 'junit.xml'), 'utf8')
    await validateJUnit(join(out, 'junit.xml'))
    // Vitest 5 also hands the reporters the thrown error's code (a stack trace "code: MLNB_LOAD").
    expect(xml).toMatch(/<failure message="Workload failed: Qwen\/QwQ-32B tp8-pp1 \(workload long-context\): stream ended without \[DONE\] on 12 of 40 requests" type="workload"(\/>|><!\[CDATA\[code: MLNB_LOAD\]\]><\/failure>)/)
    expect(xml).toContain('message="Deploy failed: meta-llama/Llama-3.1-8B tp2-pp1 (workload chat): Deploy of meta-llama/Llama-3.1-8B tp=2 pp=1 failed after 31 s: up/status=failed" type="deploy"')
    expect(xml).toContain('name="(file) › plain bench without meta"')
    // 5 benches + the skipped "baseline file" testcase of a first run (no baseline yet).
    expect(xml).toMatch(/<testsuites name="mlnode-bench" tests="6" failures="3" errors="0" skipped="1"/)
    expect(xml).toContain('<property name="simulated_ttft_p50_ms"')
    const md = await readFile(join(out, 'summary.md'), 'utf8')
    expect(md).toContain('### ❌ 3 failed')
    expect(md).toMatch(/^.*\n## mlnode-bench: ❌ no baseline yet \(.*baseline\.json\), nothing was gated/)
    expect(r.stdout).toContain('No baseline yet at')
    const results = parseRunResults(await readFile(join(out, 'results.json'), 'utf8'), 'results.json')
    expect(results.baseline).toMatchObject({ state: 'missing', required: false, invalid: [] })
  }, PROCESS_TEST_TIMEOUT_MS)

  it('accepts a baseline on request, then fails the run on a 30 % regression and passes an unchanged one', async () => {
    const accepted = await runBench(['pass'], { MLNODE_BENCH_UPDATE_BASELINE: '1' })
    expect(accepted.exitCode).toBe(0)
    expect(accepted.stdout).toMatch(/baseline .*baseline\.json created.*: 0 replaced, 2 added, 0 kept/)
    const baseline = parseBaseline(await readFile(join(out, 'baseline.json'), 'utf8'), 'baseline.json')
    expect(Object.keys(baseline.results['Qwen/QwQ-32B']!)).toEqual(['tp2-pp2', 'tp4-pp1'])
    expect(baseline.results['Qwen/QwQ-32B']!['tp4-pp1']!.chat!.metrics.ttftMs!.distribution!.histogram).toMatch(/^[A-Za-z0-9+/=]{20,}$/)
    expect(baseline.provenance.git?.commit).toMatch(/^[0-9a-f]{40}$/)

    const slower = await runBench(['pass'], { MLNB_FIXTURE_SCALE: '1.3', MLNB_FIXTURE_SEED: '5' })
    expect(slower.exitCode).toBe(1)
    expect(slower.stdout).toMatch(/REGRESSION Qwen\/QwQ-32B › tp4-pp1 › chat \[simulated\]: TTFT p50 \d/)
    const xml = await readFile(join(out, 'junit.xml'), 'utf8')
    await validateJUnit(join(out, 'junit.xml'))
    expect(xml).toMatch(/<failure message="Regression vs baseline [0-9a-f]{7} on simulated H100x8 \(×20 speed\): Qwen\/QwQ-32B tp4-pp1 \(workload chat\): TTFT p50 [\d.]+ → [\d.]+ ms \(\+\d+\.\d %, p &lt; 0\.0001\)/)
    const md = await readFile(join(out, 'summary.md'), 'utf8')
    expect(md).toMatch(/^<!-- mlnode-bench:summary -->\n## mlnode-bench: ❌ \d+ regressions/)

    const same = await runBench(['pass'], { MLNB_FIXTURE_SEED: '7' })
    expect(same.exitCode).toBe(0)
    expect(same.stdout).toMatch(/0 regression\(s\)/)
  }, PROCESS_TEST_TIMEOUT_MS)

  it('gates the valid entries of a baseline with an invalid one, and says so in every report', async () => {
    const text = await readFile(join(out, 'baseline.json'), 'utf8')
    const data = JSON.parse(text)
    data.results['Qwen/QwQ-32B']['tp2-pp2'].chat.target.hardware = 42
    await writeFile(join(out, 'baseline.json'), JSON.stringify(data))
    const r = await runBench(['pass'], { MLNB_FIXTURE_SCALE: '1.3', MLNB_FIXTURE_SEED: '5' })
    expect(r.exitCode).toBe(1)
    const problem = `${join(out, 'baseline.json')}: results["Qwen/QwQ-32B"]["tp2-pp2"].chat: target.hardware must be string, got 42`
    expect(r.stdout).toContain(`NOT GATED Qwen/QwQ-32B › tp2-pp2 › chat (invalid baseline entry): ${problem}`)
    expect(r.stdout).toMatch(/REGRESSION Qwen\/QwQ-32B › tp4-pp1 › chat/)
    await validateJUnit(join(out, 'junit.xml'))
    expect(await readFile(join(out, 'junit.xml'), 'utf8')).toContain(`<failure message="${problem.replace(/"/g, '&quot;')}. This entry was not gated." type="baseline"/>`)
    expect(await readFile(join(out, 'summary.md'), 'utf8')).toMatch(/\n## mlnode-bench: ❌ 1 invalid baseline entry not gated · \d+ regressions/)
    const results = parseRunResults(await readFile(join(out, 'results.json'), 'utf8'), 'results.json')
    expect(results.baseline?.invalid).toEqual([expect.objectContaining({ variant: 'tp2-pp2', problems: ['target.hardware must be string, got 42'] })])
  }, PROCESS_TEST_TIMEOUT_MS)

  it('refuses a corrupt baseline with a message naming the file and the field, keeps it, and every report says so', async () => {
    await writeFile(join(out, 'baseline.json'), '{"schemaVersion":1,"kind":"mlnode-bench-baseline","provenance":{"date":"x"},"results":{}}')
    const r = await runBench(['pass'], { MLNODE_BENCH_UPDATE_BASELINE: '1' })
    expect(r.exitCode).toBe(1)
    expect(r.stderr + r.stdout).toContain(`Baseline ${join(out, 'baseline.json')} is corrupt: provenance.tool is missing`)
    expect(await readFile(join(out, 'baseline.json'), 'utf8')).toContain('"provenance":{"date":"x"}')
    expect(await readFile(join(out, 'summary.md'), 'utf8')).toContain(`\n## mlnode-bench: ❌ baseline ${join(out, 'baseline.json')} is corrupt, nothing was gated`)
    await validateJUnit(join(out, 'junit.xml'))
    expect(await readFile(join(out, 'junit.xml'), 'utf8')).toContain(`<failure message="Baseline ${join(out, 'baseline.json')} is corrupt: provenance.tool is missing`)
  }, PROCESS_TEST_TIMEOUT_MS)
})
