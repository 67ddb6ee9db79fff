/**
 * Child process of test/faults/history-concurrency.test.ts: adds `count` runs named
 * `<prefix>-<i>` to the history at argv[2], one write (read, add, save) each, as fast as it can.
 */
import { withHistory } from '../../../src/history/store.js'
import type { RunResults } from '../../../src/contracts/results.js'
import { passedResult } from '../../fixtures/reporters-shared/make-results.js'

const [path, prefix, count] = process.argv.slice(2)
for (let i = 0; i < Number(count); i++) {
  const date = new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString()
  const stamp = { id: `${prefix}-${i}`, date }
  const file: RunResults = { schemaVersion: 1, provenance: { tool: { name: 'mlnode-bench', version: '0.1.0' }, date }, run: { ...stamp, state: 'complete' }, results: [{ ...passedResult('m', 'v', 'w'), run: stamp }] }
  await withHistory(path!, (store) => store.addRun(file), { write: true })
}
