/** history add/list/import-compressa, report and diff --baseline-from-history through the CLI entry point (in process). */
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { runCli } from '../helpers/run-cli.js'
import { describe, expect, it, vi } from 'vitest'
import type { RunResults } from '../../src/contracts/results.js'
import { passedResult } from '../fixtures/reporters-shared/make-results.js'
import { useTempDir } from '../temp-dir.js'
import { PROCESS_TEST_TIMEOUT_MS } from '../timeouts.js'
import { measurementsOf, writeCompressaDb } from './compressa-db.js'

// Every test here runs whole CLI commands (in process): a deadline against hangs, not a speed check.
vi.setConfig({ testTimeout: PROCESS_TEST_TIMEOUT_MS })

const cli = (args: string[]) => runCli(args)

function runFile(id: string, date: string, scale: number): RunResults {
  const git = { commit: 'c'.repeat(40), dirty: false, branch: 'main' }
  return {
    schemaVersion: 1,
    provenance: { tool: { name: 'mlnode-bench', version: '0.1.0' }, date, git },
    run: { id, date, git, state: 'complete' },
    results: [{ ...passedResult('m', 'tp4', 'chat', { scale }), run: { id, date, git } }],
  }
}

const tempDir = useTempDir('mlnb-history-cli-')

describe('mlnode-bench history, report and diff from history', () => {
  it('adds runs, imports compressa-perf, lists them, reports them and gates against them', async () => {
    const history = join(tempDir(), 'h.sqlite')
    const files = await Promise.all(
      [['r1', '2026-01-01T00:00:00.000Z', 1], ['r2', '2026-01-02T00:00:00.000Z', 1.01], ['r3', '2026-01-03T00:00:00.000Z', 0.995], ['r4', '2026-01-04T00:00:00.000Z', 1.5]].map(async ([id, date, scale]) => {
        const path = join(tempDir(), `${id}.json`)
        await writeFile(path, JSON.stringify(runFile(id as string, date as string, scale as number)))
        return path
      }),
    )
    const add = await cli(['history', 'add', files[0]!, files[1]!, files[2]!, '--history', history])
    expect(add.exitCode, add.stderr).toBe(0)
    expect(add.stdout).toContain(`${files[0]}: run #1 added to ${history} (1 result)`)

    const db = join(tempDir(), 'compressa-perf-db.sqlite')
    await writeCompressaDb(db, [{ name: 'by hand', description: 'old comparison', date: '2025-05-05 12:00:00', parameters: { model_name: 'm' }, measurements: measurementsOf(30) }])
    const imported = await cli(['history', 'import-compressa', db, '--history', history])
    expect(imported.exitCode, imported.stderr).toBe(0)
    expect(imported.stdout).toContain('experiment 1 "by hand" (30 requests): imported')

    const list = await cli(['history', 'list', '--history', history])
    expect(list.exitCode, list.stderr).toBe(0)
    const rows = list.stdout.split('\n')
    expect(rows[0]).toMatch(/^ID\s+Date\s+Source\s+Name\s+Commit\s+Description$/)
    expect(rows.slice(1).map((r) => r.split(/\s{2,}/).slice(0, 4))).toEqual([
      ['3', '2026-01-03T00:00:00Z', 'mlnode-bench', 'r3'],
      ['2', '2026-01-02T00:00:00Z', 'mlnode-bench', 'r2'],
      ['1', '2026-01-01T00:00:00Z', 'mlnode-bench', 'r1'],
      ['4', '2025-05-05T12:00:00Z', 'compressa-perf', 'by hand'],
    ])
    // A branch filter that matches nothing says so, rather than that the history is empty.
    const otherBranch = await cli(['history', 'list', '--history', history, '--branch', 'release'])
    expect(otherBranch.exitCode, otherBranch.stderr).toBe(0)
    expect(otherBranch.stdout.trim()).toBe('No runs of branch release in the history.')

    const out = join(tempDir(), 'report.html')
    const report = await cli(['report', '--history', history, '--out', out])
    expect(report.exitCode, report.stderr).toBe(0)
    const html = await readFile(out, 'utf8')
    expect(html).toContain('by hand')
    expect(html).toContain('compressa-perf')

    // r4 is 50 % slower than the last three runs on main (whose spread sets the tolerance): a regression.
    const diff = await cli(['diff', '--results', files[3]!, '--baseline-from-history', 'main:3', '--history', history])
    expect(diff.stdout).toContain(`Baseline history ${history} (last 3 runs on main): 8 regression(s)`)
    expect(diff.exitCode).toBe(1)
    // The run being judged is left out of its own baseline: r3 against r2 and r1.
    const same = await cli(['diff', '--results', files[2]!, '--baseline-from-history', 'main:3', '--history', history])
    expect(same.stdout).toContain('(last 3 runs on main): 0 regression(s)')
    expect(same.exitCode, same.stdout).toBe(0)
  })

  it.each([
    [['history', 'prune'], 'mlnode-bench history: unknown subcommand "prune" (expected add, list, import-compressa, copy)'],
    [['history', 'list', '--limit', '0'], 'mlnode-bench history: --limit must be an integer >= 1, got "0"'],
    [['report', '--out'], 'mlnode-bench report: --out needs a value'],
    [['diff', '--results', 'r.json', '--baseline-from-history', 'main:2', '--update'], 'mlnode-bench diff: --baseline-from-history cannot be combined with --update'],
  ])('%j is a usage error (exit 2)', async (args, message) => {
    const r = await cli(args)
    expect(r.exitCode).toBe(2)
    expect(r.stderr.startsWith(message)).toBe(true)
  })
})
