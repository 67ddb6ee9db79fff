/**
 * A first baseline on a real GPU box must carry its own noise: a single run says nothing about
 * how much the next run will differ by chance, and the fixed 10 % it would be judged with is a
 * guess. So accepting a result whose entry starts afresh (none yet, or another setup) on a real
 * target needs MIN_BASELINE_REPEATS repeats; the simulator keeps accepting single runs (on
 * simulated time without injected noise it is deterministic).
 */
import { MlnodeBenchError } from '../errors.js'
import type { BaselineFile } from '../contracts/baseline.js'
import type { BenchResult } from '../contracts/results.js'
import { baselineEntry, entryFromResult } from './baseline.js'
import { sameSetup } from './noise.js'
import { MIN_BASELINE_REPEATS } from './repeat-tolerance.js'

/**
 * @throws MlnodeBenchError MLNB_BASELINE_REPEATS naming every result that would start a real
 *   target's entry with fewer repeats, and the options that set them. Nothing is written then.
 */
export function assertFirstBaselineRepeats(previous: BaselineFile | undefined, results: readonly BenchResult[]): void {
  const thin: string[] = []
  for (const result of results) {
    if (result.status !== 'passed' || result.target.kind === 'simulated') continue
    const fresh = entryFromResult(result)
    if (!fresh) continue
    const before = baselineEntry(previous, result)
    if (before !== undefined && sameSetup(before, fresh)) continue
    const repeats = result.repeats?.count ?? 1
    if (repeats < MIN_BASELINE_REPEATS) thin.push(`${result.model} › ${result.variant} › ${result.workload} on ${result.target.hardware}: ${repeats} measurement${repeats === 1 ? '' : 's'}`)
  }
  if (thin.length === 0) return
  throw new MlnodeBenchError(
    'MLNB_BASELINE_REPEATS',
    `Not accepted: a first baseline on a real target needs ≥ ${MIN_BASELINE_REPEATS} repeats of each workload, so its tolerance comes from its own run-to-run spread:\n  ${thin.join('\n  ')}\n` +
      `Run again with the suite option repeats: ${MIN_BASELINE_REPEATS} (or MLNODE_BENCH_REPEATS=${MIN_BASELINE_REPEATS}; MLNODE_BENCH_REDEPLOY_REPEATS=1 redeploys between them, so the spread includes deploy-to-deploy noise) and accept that run. The baseline file was left unchanged.`,
    { details: { results: thin, minRepeats: MIN_BASELINE_REPEATS } },
  )
}
