/**
 * No silent wipe, with REAL vitest bench runs of test/fixtures/suites against the
 * embedded simulator, all writing to one output folder: a `-t` run replaces only what it ran and
 * keeps the rest with its older run; the gate judges only this run; a killed run leaves
 * results.json, summary.md and JUnit saying INCOMPLETE; a single-file run keeps the other files.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { execa } from 'execa'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { RunResults } from '../../src/contracts/results.js'
import { validateJUnit } from '../report/xmllint.js'
import { CHILD_TIMEOUT_MS, PROCESS_TEST_TIMEOUT_MS } from '../timeouts.js'
import { version } from 'vitest/node'

// Vitest 5 runs benches in a project of their own, named 'bench'; 4.1 in the unnamed root project.
const BENCH_PROJECT = version.startsWith('4.') ? '' : 'bench'

const repo = fileURLToPath(new URL('../../', import.meta.url))
const vitestBin = join(repo, 'node_modules/vitest/vitest.mjs')
let out: string

beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), 'mlnb-partial-'))
})
afterAll(async () => {
  await rm(out, { recursive: true, force: true })
})

function start(args: string[], env: Record<string, string> = {}) {
  return execa(process.execPath, [vitestBin, 'bench', '--run', '--config', 'test/fixtures/suites/vitest.config.ts', ...args], {
    cwd: repo,
    reject: false,
    timeout: CHILD_TIMEOUT_MS,
    // Own process group: a kill takes the vitest workers down with it.
    detached: true,
    env: { MLNB_TEST_OUT: out, MLNODE_SIM_LOG: join(out, 'simulator.log'), MLNODE_URL: '', MLNODE_BENCH_UPDATE_BASELINE: '', NO_COLOR: '1', FORCE_COLOR: '0', ...env },
  })
}

async function bench(args: string[], env: Record<string, string> = {}) {
  const r = await start(args, env)
  return { exitCode: r.exitCode, output: `${r.stdout}\n${r.stderr}` }
}

async function files() {
  const results = JSON.parse(await readFile(join(out, 'results.json'), 'utf8')) as RunResults
  const runOf = (variant: string, workload: string) => results.results.find((r) => r.variant === variant && r.workload === workload)?.run?.id
  return { results, runOf, summary: await readFile(join(out, 'summary.md'), 'utf8'), junit: await readFile(join(out, 'junit.xml'), 'utf8') }
}

it('keeps what a partial run did not re-run, marks a killed run incomplete everywhere, and gates only this run', async () => {
  // 1. A full run of one file, accepted as the baseline.
  const full = await bench(['passing'], { MLNODE_BENCH_UPDATE_BASELINE: '1' })
  expect(full.exitCode, full.output).toBe(0)
  const first = await files()
  expect(first.results.run).toMatchObject({ state: 'complete' })
  const firstRun = first.results.run!.id
  expect(first.results.results.map((r) => r.run?.id)).toEqual([firstRun, firstRun, firstRun, firstRun])

  // 2. `-t`: one bench re-run; the three others are kept with the first run, shown apart, not judged.
  const filtered = await bench(['passing', '-t', 'tp2 › tiny-open'])
  expect(filtered.exitCode, filtered.output).toBe(0)
  const second = await files()
  const secondRun = second.results.run!.id
  expect(secondRun).not.toBe(firstRun)
  expect(second.results.run).toMatchObject({ state: 'complete' })
  expect([second.runOf('tp2', 'tiny-open'), second.runOf('tp1', 'tiny'), second.runOf('tp1', 'tiny-open'), second.runOf('tp2', 'tiny')]).toEqual([secondRun, firstRun, firstRun, firstRun])
  expect(second.results.results.find((r) => r.variant === 'tp1' && r.workload === 'tiny')?.bench).toEqual({ project: BENCH_PROJECT, file: 'test/fixtures/suites/passing.bench.ts', name: 'Qwen/Qwen2.5-7B-Instruct > tp1 › tiny' })
  // The gate compared the one result this run measured: the three others are kept, not judged,
  // and not reported as missing one by one.
  expect(filtered.output).toMatch(/Baseline .*baseline\.json: 0 regression\(s\).*; 0 new, 0 missing, 3 kept from earlier runs \(not re-run\), 0 failed\./)
  expect(filtered.output).not.toContain('missing from this run')
  expect(filtered.output).toContain('partial run: 3 result(s) of earlier runs kept')
  expect(second.summary).toContain('· 3 kept from earlier runs\n')
  expect(second.summary).not.toContain('in the baseline but not in this run')
  expect(second.summary).toContain(`| Qwen/Qwen2.5-7B-Instruct | tp1 | tiny | ✅ passed | run ${firstRun} (`)
  await validateJUnit(join(out, 'junit.xml'))
  // Four benches of the file plus the gate's own "baseline file" testcase.
  expect(second.junit).toMatch(/<testsuites name="mlnode-bench" tests="5" failures="0" errors="0" skipped="3">/)
  expect(second.junit.match(/Kept from an earlier run: not re-run by this run; passed in the earlier run /g)).toHaveLength(3)

  // 3. A run killed after its first bench (a cancelled CI job): every report says it is incomplete
  // and shows what it measured. Killed once all three files show that bench.
  const killed = start(['passing'])
  let exited = false
  void killed.then(() => (exited = true))
  let thirdRun = ''
  for (;;) {
    if (exited) throw new Error(`the run ended before it was killed:\n${(await killed).stdout}`)
    const now = await files().catch(() => undefined)
    const id = now?.results.run?.state === 'running' ? now.results.run.id : undefined
    if (id && now!.results.results.some((r) => r.run?.id === id) && now!.summary.includes('measured so far') && now!.junit.includes(`<property name="run_id" value="${id}"/>\n        <property name="run_date"`)) {
      thirdRun = id
      break
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  process.kill(-killed.pid!, 'SIGKILL')
  expect((await killed).signal).toBe('SIGKILL')
  const third = await files()
  expect(third.results.run).toMatchObject({ id: thirdRun, state: 'running' })
  expect(third.results.run).not.toHaveProperty('endedAt')
  expect([firstRun, secondRun]).not.toContain(thirdRun)
  // Entries are the killed run's or the earlier runs', never lost.
  expect(third.results.results).toHaveLength(4)
  for (const r of third.results.results) expect([firstRun, secondRun, thirdRun]).toContain(r.run?.id)
  expect(third.summary).toMatch(new RegExp(`^<!-- mlnode-bench:summary -->\\n## mlnode-bench: ⚠️ INCOMPLETE: run ${thirdRun} \\(.*\\) has not finished\\n`))
  await validateJUnit(join(out, 'junit.xml'))
  expect(third.junit).toMatch(new RegExp(`<testcase classname="mlnode-bench" name="run ${thirdRun}">\\s*<failure message="INCOMPLETE: run ${thirdRun} `))

  // 4. A single-file run of another file completes and keeps the first file's results.
  const single = await bench(['second'])
  expect(single.exitCode, single.output).toBe(0)
  const fourth = await files()
  expect(fourth.results.run).toMatchObject({ state: 'complete' })
  expect(fourth.results.results.map((r) => r.model).sort()).toEqual([...Array(4).fill('Qwen/Qwen2.5-7B-Instruct'), 'meta-llama/Llama-3.1-8B'])
  expect(fourth.summary).not.toContain('INCOMPLETE')
  expect(fourth.junit).not.toContain('type="incomplete"')

  // 5. An unreadable earlier file is named, then replaced by this run's results.
  await writeFile(join(out, 'results.json'), '{"schemaVersion": 1, "results": [')
  const afterCorrupt = await bench(['second'])
  expect(afterCorrupt.exitCode, afterCorrupt.output).toBe(0)
  expect(afterCorrupt.output).toMatch(/results\.json is not a mlnode-bench results file: not valid JSON .*: it is replaced by this run's results/)
  expect((await files()).results.results.map((r) => r.model)).toEqual(['meta-llama/Llama-3.1-8B'])
}, PROCESS_TEST_TIMEOUT_MS)
