/**
 * The validation step run for real: `vitest bench` on test/fixtures/suites/validation.bench.ts
 * against the embedded simulator. The reference (tp1, listed last) runs first; the layouts pass;
 * the variant with an allow-listed --kv-cache-dtype is measured, fails validation with its
 * similarity and threshold shown, and is never recommended. Then the written reference file
 * serves as validation.referenceFile of a second run.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { execa } from 'execa'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { BenchResult, RunResults } from '../../src/contracts/results.js'
import { validateJUnit } from '../report/xmllint.js'
import { CHILD_TIMEOUT_MS, PROCESS_TEST_TIMEOUT_MS } from '../timeouts.js'
import { networkModelEntry } from '../../src/network/registry.js'

/** The chain's threshold for the fixture's model (the registry snapshot). */
const THRESHOLD = networkModelEntry('Qwen/Qwen2.5-7B-Instruct').validationThreshold
const T = String(THRESHOLD).replace('.', '\\.')

const repo = fileURLToPath(new URL('../../', import.meta.url))
const vitestBin = join(repo, 'node_modules/vitest/vitest.mjs')
let base: string

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'mlnb-validation-'))
})
afterAll(async () => {
  await rm(base, { recursive: true, force: true })
})

async function bench(filter: string, out: string, extraEnv: Record<string, string> = {}) {
  const r = await execa(process.execPath, [vitestBin, 'bench', '--run', '--config', 'test/fixtures/suites/vitest.config.ts', filter], {
    cwd: repo,
    reject: false,
    timeout: CHILD_TIMEOUT_MS,
    env: { MLNB_TEST_OUT: out, MLNODE_SIM_LOG: join(out, 'simulator.log'), MLNODE_URL: '', NO_COLOR: '1', FORCE_COLOR: '0', ...extraEnv },
  })
  const results = await readFile(join(out, 'results.json'), 'utf8').then((t) => (JSON.parse(t) as RunResults).results, () => [] as BenchResult[])
  const find = (variant: string, workload: string) => results.find((x) => x.variant === variant && x.workload === workload)
  return { exitCode: r.exitCode, output: `${r.stdout}\n${r.stderr}`, results, find }
}

describe('validation per variant, run by real vitest against the simulator', () => {
  it("a network model with a PoC stat test: layouts pass both halves, an fp8 KV cache fails its logits and its PoC vectors", async () => {
    const out = join(base, 'kimi')
    const r = await bench('validation-kimi', out)
    expect(r.exitCode, r.output).toBe(1)
    const layout = r.find('tp4-pp2', 'validation')!
    expect(layout.status, JSON.stringify(layout.failure)).toBe('passed')
    expect(layout.validation!.poc).toMatchObject({ nonces: 16, mismatches: 0, passed: true, seqLen: 1024 })
    expect(layout.validation!.poc!.statTest).toMatch(/^dist_threshold 0\.4, p_mismatch 0\.1 \(PoCModelConfig of moonshotai\/Kimi-K2\.6/)
    const kv = r.find('tp8-kv-fp8', 'validation')!
    expect(kv.status).toBe('failed')
    expect(kv.validation!.passed).toBe(false)
    expect(kv.validation!.poc).toMatchObject({ nonces: 16, mismatches: 16, passed: false })
    expect(r.output).toMatch(/✗ tp8-kv-fp8: similarity min 0\.\d{4} .*; PoC vectors 16\/16 beyond the distance, p [\d.e-]+ — FRAUD by the stat test — FAILS validation/)
    // Measured all the same, and never recommended.
    expect(r.find('tp8-kv-fp8', 'tiny')!.status).toBe('passed')
    expect(r.output).not.toMatch(/Recommendation: tp8-kv-fp8/)
  }, PROCESS_TEST_TIMEOUT_MS)

  it('layouts pass, the output-changing variant fails with similarity and threshold, and is never recommended', async () => {
    const out = join(base, 'run')
    const r = await bench('validation.bench', out)
    expect(r.exitCode, r.output).toBe(1)
    // The reference runs first although it is listed last.
    expect(r.output.indexOf('[Qwen/Qwen2.5-7B-Instruct tp1] deploying')).toBeLessThan(r.output.indexOf('[Qwen/Qwen2.5-7B-Instruct tp2] deploying'))
    for (const variant of ['tp1', 'tp2']) {
      const v = r.find(variant, 'validation')!
      expect(v.status, JSON.stringify(v.failure)).toBe('passed')
      expect(v.validation).toMatchObject({ mode: 'enforced-tokens', reference: 'tp1', threshold: THRESHOLD, probes: 6, compared: 6, passed: true, belowThresholdShare: 0 })
      expect(v.target.kind).toBe('simulated')
    }
    expect(r.find('tp1', 'validation')!.validation!.minSimilarity).toBe(1)
    expect(r.find('tp2', 'validation')!.validation!.minSimilarity).toBeGreaterThan(THRESHOLD)
    expect(r.find('tp2', 'validation')!.validation!.minSimilarity).toBeLessThan(1)
    // The output-changing variant is measured (and as fast as tp2) but fails validation.
    expect(r.find('tp2-kv-fp8', 'tiny')!.status).toBe('passed')
    const kv = r.find('tp2-kv-fp8', 'validation')!
    expect(kv.status).toBe('failed')
    expect(kv.failure).toMatchObject({ kind: 'validation', code: 'MLNB_VALIDATION' })
    expect(kv.validation!.minSimilarity).toBeLessThan(THRESHOLD)
    expect(kv.failure!.message).toMatch(new RegExp(`tp2-kv-fp8 fails the network's validation against tp1: similarity min 0\\.\\d{4}, median 0\\.\\d{4}, \\d+ % of 6 probes at or below threshold ${T} \\(validation_threshold of Qwen/Qwen2\\.5-7B-Instruct`))
    expect(r.output).toContain('✗ tp2-kv-fp8: similarity min')
    expect(r.output).toMatch(new RegExp(`✓ Qwen/Qwen2\\.5-7B-Instruct › tp2 › validation: similarity min 0\\.9\\d{3}, median 0\\.9\\d{3} > threshold ${T} vs tp1 \\(enforced-tokens\\) \\(simulated\\)`))
    expect(r.output).toContain('— FAILS validation')
    expect(r.output).toContain('tp2-kv-fp8 (FAILS VALIDATION)')
    expect(r.output).toMatch(/Recommendation: tp2 — /)
    expect(r.output).not.toMatch(/Recommendation: tp2-kv-fp8/)
    const summary = await readFile(join(out, 'summary.md'), 'utf8')
    expect(summary).toContain('### Inference validation')
    expect(summary).toMatch(new RegExp(`\\| Qwen/Qwen2\\.5-7B-Instruct \\| tp2-kv-fp8 \\| 0\\.\\d{4} \\(sim\\) \\| .* \\| \\d+ % of 6 \\| ${T} \\| enforced-tokens \\| tp1 \\| probe-\\d+ @\\d+: \\d+ → \\d+ \\| ❌ fails validation \\|`))
    const junit = await readFile(join(out, 'junit.xml'), 'utf8')
    expect(junit).toMatch(/<property name="simulated_validation_similarity_min" value="0\.\d+"\/>/)
    expect(junit).toContain('type="validation"')
    await validateJUnit(join(out, 'junit.xml'))

    // The reference it wrote holds every variant of a second run to the same answers.
    const reference = join(out, 'reference.jsonl')
    expect((await readFile(reference, 'utf8')).split('\n')[0]).toContain('"variant":"tp1"')
    const again = await bench('validation.bench', join(base, 'again'), { MLNB_TEST_REFERENCE_FILE: reference })
    expect(again.find('tp2', 'validation')!.validation).toMatchObject({ reference: expect.stringMatching(/reference\.jsonl$/), passed: true })
    expect(again.find('tp1', 'validation')!.validation!.minSimilarity).toBe(1)
    expect(again.find('tp2-kv-fp8', 'validation')!.failure!.code).toBe('MLNB_VALIDATION')

    // A reference of another probe set is refused by name.
    const other = join(base, 'other.jsonl')
    await writeFile(other, (await readFile(reference, 'utf8')).split('\n').slice(0, 3).join('\n'))
    const refused = await bench('validation.bench', join(base, 'refused'), { MLNB_TEST_REFERENCE_FILE: other })
    expect(refused.find('tp2', 'validation')!.failure).toMatchObject({ kind: 'validation', code: 'MLNB_VALIDATION_REFERENCE' })
    expect(refused.find('tp2', 'validation')!.failure!.message).toContain('other.jsonl: holds 2 probes, the suite\'s validation asks for 6 (validation.prompts)')
  }, PROCESS_TEST_TIMEOUT_MS * 3)
})
