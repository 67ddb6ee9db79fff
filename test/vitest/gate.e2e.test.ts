/**
 * The CI gate end to end: a baseline accepted from a normal simulator run, then a run
 * with MLNODE_SIM_SLOWDOWN=1.3 must exit non-zero and name the regressed metrics in the summary
 * and the JUnit file; a repeated normal run must exit 0.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { execa } from 'execa'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { parseBaseline } from '../../src/report/baseline.js'
import { validateJUnit } from '../report/xmllint.js'
import { CHILD_TIMEOUT_MS, PROCESS_TEST_TIMEOUT_MS } from '../timeouts.js'

const repo = fileURLToPath(new URL('../../', import.meta.url))
const vitestBin = join(repo, 'node_modules/vitest/vitest.mjs')
let dir: string

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mlnb-gate-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

function gateRun(name: string, env: Record<string, string>) {
  const out = join(dir, name)
  return execa(process.execPath, [vitestBin, 'bench', '--run', '--config', 'test/fixtures/suites/vitest.config.ts', 'gate'], {
    cwd: repo,
    reject: false,
    timeout: CHILD_TIMEOUT_MS,
    env: { MLNB_TEST_OUT: out, MLNB_TEST_BASELINE: join(dir, 'baseline.json'), MLNODE_URL: '', MLNODE_SIM_SLOWDOWN: '', MLNODE_BENCH_UPDATE_BASELINE: '', NO_COLOR: '1', ...env },
  }).then((r) => ({ ...r, out, text: `${r.stdout}\n${r.stderr}` }))
}

it('accepts a baseline, fails a 1.3x slower simulator naming the regressed metrics, passes an unchanged run', async () => {
  const accepted = await gateRun('accept', { MLNODE_BENCH_UPDATE_BASELINE: '1' })
  expect(accepted.exitCode, accepted.text).toBe(0)
  const baseline = parseBaseline(await readFile(join(dir, 'baseline.json'), 'utf8'), 'baseline.json')
  expect(JSON.stringify(baseline)).toContain('meta-llama/Llama-3.1-8B')

  const slow = await gateRun('slow', { MLNODE_SIM_SLOWDOWN: '1.3' })
  expect(slow.exitCode, slow.text).toBe(1)
  const summary = await readFile(join(slow.out, 'summary.md'), 'utf8')
  const junit = await readFile(join(slow.out, 'junit.xml'), 'utf8')
  await validateJUnit(join(slow.out, 'junit.xml'))
  expect(slow.text).toMatch(/Baseline .*: \d+ regression\(s\)/)
  const failure = /<failure message="(Regression vs baseline[^"]*)" type="regression"/.exec(junit)?.[1] ?? ''
  // E2EL (seconds) and the throughputs are far above the measurement's resolution: judged regressed.
  for (const metric of ['E2EL p50', 'Output throughput']) {
    expect(summary).toMatch(new RegExp(`\\| tp1 \\| ${metric} \\(.*🔴 regressed \\|`))
    expect(failure).toContain(metric)
  }
  // TTFT and TPOT moved the same way; whether they are judged depends on their resolution and
  // sample size on this machine, but they must never read as unchanged or improved.
  for (const metric of ['TTFT p50', 'TPOT p50']) expect(summary).toMatch(new RegExp(`\\| tp1 \\| ${metric} \\(.*\\+\\d+\\.\\d % .*(🔴 regressed|🟡 inconclusive) \\|`))

  const same = await gateRun('same', {})
  expect(same.exitCode, same.text).toBe(0)
  expect(await readFile(join(same.out, 'summary.md'), 'utf8')).not.toMatch(/❌/)
}, PROCESS_TEST_TIMEOUT_MS)
