/**
 * Two runs accepting into one baseline at once: each used to write what it had read at its own
 * start, and the last writer's file dropped the other's entries. A run now re-reads and merges
 * the baseline under its lock. Here the "other run" is this test: it holds the lock across the
 * bench run's end, then writes its own read-modify-write; the run's entries must survive it.
 */
import { existsSync } from 'node:fs'
import { mkdtemp, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, it } from 'vitest'
import type { RunResults } from '../../src/contracts/results.js'
import { readBaseline, writeBaseline } from '../../src/outputs/baseline-file.js'
import { acquireLock } from '../../src/outputs/file-lock.js'
import { updateBaseline } from '../../src/report/baseline.js'
import { passedResult } from '../fixtures/reporters-shared/make-results.js'
import { PROCESS_TEST_TIMEOUT_MS } from '../timeouts.js'
import { runFixture } from './run-fixture.js'

it("a run accepting into the baseline while another holds it keeps both runs' entries", async () => {
  const out = await mkdtemp(join(tmpdir(), 'mlnb-faults-baseline-'))
  const baselineFile = join(out, 'baseline.json')
  // The other writer starts its read-modify-write: lock, read (nothing yet).
  const release = await acquireLock(`${baselineFile}.lock`, { what: 'the other run' })
  const readAtStart = (await readBaseline(baselineFile))?.baseline
  const run = runFixture({ MLNODE_BENCH_UPDATE_BASELINE: '1' }, { out })
  // Wait until the bench run has ended its measuring (results.json final), then a little more.
  const resultsFile = join(out, 'results.json')
  const deadline = Date.now() + 120_000
  const ended = async () => existsSync(resultsFile) && (JSON.parse(await readFile(resultsFile, 'utf8').catch(() => '{}')) as Partial<RunResults>).run?.state === 'complete'
  while (Date.now() < deadline && !(await ended())) await new Promise((r) => setTimeout(r, 100))
  await new Promise((r) => setTimeout(r, 1500))
  // The other writer writes what it read at its start plus its own entry, and lets go.
  const provenance = { tool: { name: 'mlnode-bench', version: '0' }, date: new Date().toISOString() }
  await writeBaseline(baselineFile, updateBaseline(readAtStart, [passedResult('other/model', 'v', 'w')], provenance).baseline)
  await release()
  const finished = await run
  expect(finished.exitCode, finished.output).toBe(0)
  const baseline = (await readBaseline(baselineFile))!.baseline
  expect(Object.keys(baseline.results).sort()).toEqual(['Qwen/Qwen2.5-7B-Instruct', 'other/model'])
}, PROCESS_TEST_TIMEOUT_MS)
