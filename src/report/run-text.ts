/** How reports name a run, an unfinished run and a result kept from an earlier run. */
import type { BenchResult, RunInfo, RunStamp } from '../contracts/results.js'

/** "run 20250101T120000Z-3fa2c1 (2025-01-01 12:00 UTC, abc1234)". */
export function runLabel(stamp: RunStamp): string {
  const commit = stamp.git ? `, ${stamp.git.commit.slice(0, 7)}${stamp.git.dirty ? ' dirty' : ''}` : ''
  return `run ${stamp.id} (${stamp.date.slice(0, 16).replace('T', ' ')} UTC${commit})`
}

/** Why a run's reports are incomplete; undefined for a complete run. */
export function incompleteText(run: RunInfo): string | undefined {
  if (run.state === 'complete') return undefined
  const what = run.state === 'interrupted' ? 'was interrupted' : 'has not finished (it is still running, or it was killed)'
  return `INCOMPLETE: ${runLabel(run)} ${what}; results of benches it did not reach are missing or from earlier runs`
}

/** True when `result` was measured by an earlier run than `run` (kept by a partial run). */
export function isKept(result: BenchResult, run: RunStamp | undefined): boolean {
  return run !== undefined && result.run !== undefined && result.run.id !== run.id
}

/** "not re-run by this run; failed in run … : deploy: …". */
export function keptText(result: BenchResult): string {
  const outcome = result.status === 'failed' ? `failed (${result.failure?.kind ?? 'failed'}: ${(result.failure?.message ?? '').split('\n')[0]})` : result.status
  return `not re-run by this run; ${outcome} in the earlier ${result.run ? runLabel(result.run) : 'run'}`
}
