/**
 * How far the committed baseline could gate a run: found (maybe with invalid entries set aside),
 * missing, or corrupt. Every output (console, summary.md, JUnit, results.json, `diff`) renders
 * the same status, so a gate that is off, wholly or for one entry, is never shown as green.
 */
import type { InvalidBaselineEntry } from './baseline.js'
import type { BaselineGateStatus } from '../contracts/results.js'

/**
 * The gate status with the invalid entries as found (an update keeps them verbatim). `required`:
 * `diff` unless --allow-missing-baseline, reporters with `requireBaseline`.
 */
export interface BaselineStatus extends BaselineGateStatus {
  invalid: InvalidBaselineEntry[]
}

/** The status as kept in results.json: without the raw entries. */
export function gateStatusForResults(status: BaselineStatus): BaselineGateStatus {
  return { ...status, invalid: status.invalid.map(({ raw: _raw, ...problem }) => problem) }
}

/** Why the baseline fails the run: one message per problem; empty when it gates normally. */
export function baselineProblems(status: BaselineStatus): string[] {
  if (status.state === 'corrupt') return [`${status.error?.message ?? `Baseline ${status.file} is corrupt`} Nothing was gated.`]
  if (status.state === 'missing') return status.required ? [missingBaselineMessage(status.file)] : []
  return status.invalid.map((e) => `${e.message}. This entry was not gated.`)
}

/** The named error of a required baseline that does not exist. */
export function missingBaselineMessage(file: string): string {
  return `No baseline at ${file}: the file does not exist, so nothing was gated. Check the path, or create it by accepting a run (a vitest run with MLNODE_BENCH_UPDATE_BASELINE=1, or mlnode-bench diff --update).`
}

/** One line for the top of a report: undefined when the baseline gates normally. */
export function baselineHeadline(status: BaselineStatus): string | undefined {
  if (status.state === 'corrupt') return `baseline ${status.file} is corrupt, nothing was gated`
  if (status.state === 'missing') return status.required ? `no baseline at ${status.file}, nothing was gated` : `no baseline yet (${status.file}), nothing was gated`
  const n = status.invalid.length
  return n > 0 ? `${n} invalid baseline entr${n === 1 ? 'y' : 'ies'} not gated` : undefined
}

