/**
 * A suite with a PoC workload and a sweep, run by REAL vitest bench against the embedded
 * simulator: the PoC workload's nonces/min and the sweep's curve and capacity at SLO reach
 * results.json, the console comparison, summary.md, JUnit and the baseline, beside the load
 * workload of the same variants; a lower capacity fails the gate.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { execa } from 'execa'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { RunResults } from '../../src/contracts/results.js'
import { CHILD_TIMEOUT_MS, PROCESS_TEST_TIMEOUT_MS } from '../timeouts.js'

const repo = fileURLToPath(new URL('../../', import.meta.url))
const vitestBin = join(repo, 'node_modules/vitest/vitest.mjs')
let out: string

beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), 'mlnb-poc-suite-'))
})
afterAll(async () => {
  await rm(out, { recursive: true, force: true })
})

it('a PoC workload and a sweep run per variant: nonces/min, the curve and the capacity at SLO in results.json, the comparison, summary.md, JUnit and the baseline; a lower capacity fails the gate', async () => {
  const env = { MLNB_TEST_OUT: out, MLNODE_URL: '', NO_COLOR: '1', FORCE_COLOR: '0' }
  const run = (extra: Record<string, string> = {}) =>
    execa(process.execPath, [vitestBin, 'bench', '--run', '--config', 'test/fixtures/suites/vitest.config.ts', 'suites/poc'], { cwd: repo, reject: false, timeout: CHILD_TIMEOUT_MS, env: { ...env, ...extra } })
  const first = await run({ MLNODE_BENCH_UPDATE_BASELINE: '1' })
  const output = `${first.stdout}\n${first.stderr}`
  expect(first.exitCode, output).toBe(0)
  const results = (JSON.parse(await readFile(join(out, 'results.json'), 'utf8')) as RunResults).results
  expect(results.map((r) => `${r.variant} › ${r.workload}`).sort()).toEqual(['tp1 › poc', 'tp1 › sweep', 'tp1 › tiny', 'tp2 › poc', 'tp2 › sweep', 'tp2 › tiny'])
  const poc = (variant: string) => results.find((r) => r.variant === variant && r.workload === 'poc')!
  for (const variant of ['tp1', 'tp2']) {
    const r = poc(variant)
    expect(r.status).toBe('passed')
    expect(r.metrics).toBeUndefined()
    expect(r.target).toMatchObject({ kind: 'simulated', simulatedTime: true })
    expect(r.poc).toMatchObject({ seqLen: 256, batchSize: 8, kDim: 12, gpus: 4, firstArtifactS: 5 })
    expect(r.poc!.noncesPerMin).toBeGreaterThan(0)
    expect(r.poc!.durationS).toBeGreaterThanOrEqual(20)
  }
  // MLNode starts 4 replicas for tp1 and 2 for tp2 on 4 GPUs: PoC fans out to each.
  expect(poc('tp1').poc!.backends).toHaveLength(4)
  expect(poc('tp2').poc!.backends).toHaveLength(2)
  expect(output).toMatch(/Qwen\/Qwen2\.5-7B-Instruct · poc — PoC v2, seq_len 256 — simulated 4xrtx-3090/)
  expect(output).toMatch(/variant +nonces\/min +nonces\/min\/GPU +first artifact s +backends +deploy s/)
  expect(output).toMatch(/PoC( near tie)?: tp[12] /)
  expect(output).toMatch(/✓ Qwen\/Qwen2\.5-7B-Instruct › tp1 › poc: PoC [\d.]+ nonces\/min \([\d.]+ per GPU\), 4 backend\(s\), first artifact after 5 s \(simulated\)/)

  const summary = await readFile(join(out, 'summary.md'), 'utf8')
  expect(summary).toMatch(/### Qwen\/Qwen2\.5-7B-Instruct — poc \(simulated\)/)
  expect(summary).toMatch(/\| tp1 \| PoC nonces\/min \(nonces\/min, sim\) \| — \| [\d.]+ \|/)
  const junit = await readFile(join(out, 'junit.xml'), 'utf8')
  expect(junit).toMatch(/<property name="simulated_poc_nonces_per_min" value="[\d.]+"/)
  const baseline = JSON.parse(await readFile(join(out, 'baseline.json'), 'utf8')) as { results: Record<string, Record<string, Record<string, { metrics: Record<string, { value: number }> }>>> }
  expect(baseline.results['Qwen/Qwen2.5-7B-Instruct']!.tp1!.poc!.metrics.noncesPerMin!.value).toBeCloseTo(poc('tp1').poc!.noncesPerMin, 6)

  // The sweep (docs/metrics.md): every variant's curve and its capacity at SLO, the highest named.
  const sweep = (variant: string) => results.find((r) => r.variant === variant && r.workload === 'sweep')!
  for (const variant of ['tp1', 'tp2']) {
    const s = sweep(variant).sweep!
    expect(sweep(variant).status).toBe('passed')
    expect(s).toMatchObject({ over: 'concurrency', unit: 'concurrency', attainment: 0.9, slo: { ttftMs: 150 } })
    expect(s.steps.map((x) => x.load)).toEqual([1, 3, 6, 8])
    // Each measured step is a workload of its own, histograms included.
    for (const step of s.steps.filter((x) => x.state !== 'skipped')) expect(step.metrics!.ttftMs.histogram).not.toBe('')
    expect(s.capacityAtSlo.value).toBeGreaterThan(0)
  }
  const capacities = ['tp1', 'tp2'].map((v) => sweep(v).sweep!.capacityAtSlo.value)
  expect(capacities[0]).not.toBe(capacities[1])
  const best = capacities[0]! > capacities[1]! ? 'tp1' : 'tp2'
  expect(output).toMatch(/Qwen\/Qwen2\.5-7B-Instruct · sweep — sweep over concurrency, SLO TTFT ≤ 150 ms for 90 % of requests — simulated 4xrtx-3090/)
  expect(output).toMatch(new RegExp(`Highest capacity at SLO: ${best} — concurrency ${Math.max(...capacities)} \\(in \\[`))
  expect(output).toMatch(/passed ◆/)
  expect(output).toMatch(/✓ Qwen\/Qwen2\.5-7B-Instruct › tp1 › sweep: capacity at SLO concurrency \d/)
  expect(summary).toMatch(/\| tp1 \| Capacity at SLO \(concurrency, sim\) \| — \| \d+ \|/)
  expect(junit).toMatch(/<property name="simulated_capacity_at_slo" value="\d+"/)
  expect(baseline.results['Qwen/Qwen2.5-7B-Instruct']!.tp1!.sweep!.metrics.capacityAtSlo!.value).toBe(capacities[0])

  // Against that baseline the same simulated run is unchanged (deterministic).
  const second = await run()
  expect(second.exitCode, `${second.stdout}\n${second.stderr}`).toBe(0)
  const again = await readFile(join(out, 'summary.md'), 'utf8')
  expect(again).toMatch(/\| tp1 \| PoC nonces\/min \(nonces\/min, sim\) \| [\d.]+ \| [\d.]+ \| \+0\.0 % \| .* \| ⚪ unchanged \|/)
  expect(again).toMatch(/\| tp1 \| Capacity at SLO \(concurrency, sim\) \| \d+ \| \d+ \| \+0\.0 % \| .* \| ⚪ unchanged \|/)

  // A tighter SLO (130 ms: TTFT is 137 ms on tp1 at any concurrency) drops tp1's capacity to 0: the gate fails.
  const lower = await execa(process.execPath, [vitestBin, 'bench', '--run', '--config', 'test/fixtures/suites/vitest.config.ts', 'suites/poc', '-t', 'sweep'], { cwd: repo, reject: false, timeout: CHILD_TIMEOUT_MS, env: { ...env, MLNB_SWEEP_TTFT_MS: '130' } })
  expect(lower.exitCode, `${lower.stdout}\n${lower.stderr}`).toBe(1)
  expect(lower.stdout).toMatch(/REGRESSION Qwen\/Qwen2\.5-7B-Instruct › tp1 › sweep \[simulated\]: Capacity at SLO \d+ → 0 concurrency \(−100\.0 %/)
}, PROCESS_TEST_TIMEOUT_MS)
