/**
 * Child process of test/faults/history-concurrency.test.ts and test/history/postgres-team.test.ts:
 * adds `count` runs named `<prefix>-<i>` to the history at argv[2] (a file or a postgres:// URL),
 * one write (read, add, save) each, as fast as it can. With a go file (argv[5]) it prints "ready"
 * and waits for that file, so writers whose start-up took different times begin together.
 */
import { existsSync } from 'node:fs'
import { setTimeout as sleep } from 'node:timers/promises'
import { withHistory } from '../../../src/history/store.js'
import type { RunResults } from '../../../src/contracts/results.js'
import { passedResult } from '../../fixtures/reporters-shared/make-results.js'

const [path, prefix, count, goFile] = process.argv.slice(2)
if (goFile) {
  console.log('ready')
  while (!existsSync(goFile)) await sleep(5)
}
for (let i = 0; i < Number(count); i++) {
  const date = new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString()
  const stamp = { id: `${prefix}-${i}`, date }
  const file: RunResults = { schemaVersion: 1, provenance: { tool: { name: 'mlnode-bench', version: '0.1.0' }, date }, run: { ...stamp, state: 'complete' }, results: [{ ...passedResult('m', 'v', 'w'), run: stamp }] }
  await withHistory(path!, (store) => store.addRun(file), { write: true })
}
