/**
 * `mlnode-bench diff --update` (in process) refuses a first baseline of one run on a real target
 * and writes nothing; the same results folded from 3 repeats are accepted.
 */
import { existsSync } from 'node:fs'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import type { BenchResult, TargetInfo } from '../../src/contracts/results.js'
import { run } from '../../src/cli/commands/diff.js'
import { foldRepeats } from '../../src/run/fold-repeats.js'
import { passedResult } from '../fixtures/reporters-shared/make-results.js'
import { useTempDir } from '../temp-dir.js'

const dir = useTempDir('mlnb-first-baseline-')
const provenance = { tool: { name: 'mlnode-bench', version: 'test' }, date: '2026-01-01T00:00:00.000Z' }
const REAL: TargetInfo = { kind: 'mlnode', hardware: '8x NVIDIA H100 80GB HBM3' }

async function resultsFile(name: string, results: BenchResult[]): Promise<string> {
  const path = join(dir(), name)
  await writeFile(path, JSON.stringify({ schemaVersion: 1, provenance, results }))
  return path
}

describe('diff --update on a real target', () => {
  it('refuses one run with MLNB_BASELINE_REPEATS and writes nothing, then accepts 3 repeats', async () => {
    vi.spyOn(console, 'log').mockImplementation(() => undefined)
    const baseline = join(dir(), 'baseline.json')
    const single = await resultsFile('single.json', [passedResult('m', 'tp4', 'chat', { target: REAL })])
    await expect(run(['--baseline', baseline, '--results', single, '--update'])).rejects.toMatchObject({ code: 'MLNB_BASELINE_REPEATS' })
    expect(existsSync(baseline)).toBe(false)
    const repeats = [1, 1.03, 0.98].map((scale, i) => passedResult('m', 'tp4', 'chat', { scale, seed: i + 1, target: REAL }))
    const folded = foldRepeats(repeats.map((r) => r.metrics!), true)
    const three = await resultsFile('three.json', [{ ...repeats[0]!, metrics: folded.metrics, repeats: folded.repeats }])
    expect(await run(['--baseline', baseline, '--results', three, '--update'])).toBe(0)
    const written = JSON.parse(await readFile(baseline, 'utf8'))
    expect(written.results.m.tp4.chat.repeats).toMatchObject({ count: 3, redeployed: true })
    vi.restoreAllMocks()
  })
})
