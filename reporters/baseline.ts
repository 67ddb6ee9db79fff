/**
 * Baseline gate: `new BaselineReporter({ baselineFile?, update? })`. Diffs the run against the
 * committed baseline in onTestRunEnd and sets `process.exitCode = 1` on a significant regression.
 * With `update` (default: MLNODE_BENCH_UPDATE_BASELINE=1) it accepts the run's passed results
 * instead, writing the baseline atomically and saying exactly what changed.
 */
import type { TestModule, TestRunEndReason } from 'vitest/node'
import { updateBaseline } from '../src/report/baseline.js'
import { assertFirstBaselineRepeats } from '../src/report/first-baseline.js'
import { loadBaseline, writeBaseline } from '../src/outputs/baseline-file.js'
import { acquireLock } from '../src/outputs/file-lock.js'
import { baselineProblems } from '../src/report/baseline-status.js'
import { renderDiffText } from '../src/report/diff-text.js'
import { withKeptResults } from '../src/report/diff.js'
import { collectProvenance } from '../src/outputs/provenance.js'
import { watchAllowed, watchBaselineMessage } from '../src/run/watch.js'
import { analyseRun, type BaselineCompareOptions } from './analysis.js'
import { MlnodeReporterBase } from './reporter-base.js'

export interface BaselineReporterOptions extends BaselineCompareOptions {
  /** Accept this run as the new baseline. @default process.env.MLNODE_BENCH_UPDATE_BASELINE === '1' */
  update?: boolean
  /** Update the baseline also in watch mode (each save reruns). @default MLNODE_BENCH_ALLOW_WATCH=1 */
  allowWatch?: boolean
}

export class BaselineReporter extends MlnodeReporterBase {
  constructor(private readonly options: BaselineReporterOptions = {}) {
    super()
  }

  async onTestRunEnd(modules: ReadonlyArray<TestModule>, _errors?: unknown, reason?: TestRunEndReason): Promise<void> {
    try {
      const [analysis, view] = await Promise.all([analyseRun(this.vitest, modules, this.options), this.ledger.finish(modules, reason, this.lookup)])
      const label = this.shown(analysis.baselineFile)
      const { status } = analysis
      if (status.state === 'corrupt') {
        // A corrupt baseline is never compared against, nor overwritten.
        this.error(`mlnode-bench: ${status.error?.message ?? `baseline ${label} is corrupt`}`)
        process.exitCode = 1
        return
      }
      const update = this.options.update ?? process.env.MLNODE_BENCH_UPDATE_BASELINE === '1'
      this.log(`mlnode-bench: ${renderDiffText(withKeptResults(analysis.diff, view.kept), label, status, { accepting: update })}`)
      if (analysis.diffError) {
        // Accepting now would rebuild the baseline from this run alone (or keep one of two clashing results).
        this.error(`mlnode-bench: nothing was compared, and the baseline is left unchanged: ${analysis.diffError.message}`)
        process.exitCode = 1
        return
      }
      if (update && this.vitest?.config.watch && !(this.options.allowWatch ?? watchAllowed())) {
        this.error(`mlnode-bench: ${watchBaselineMessage(label)}`)
        process.exitCode = 1
        return
      }
      if (update) {
        const provenance = await collectProvenance({ cwd: this.root })
        // Read again and merged under the baseline's lock: two runs accepting at once both keep
        // their entries (each run replaces only what it measured), no last-writer-wins.
        const release = await acquireLock(`${analysis.baselineFile}.lock`, { what: 'a baseline update' })
        try {
          const fresh = await loadBaseline(analysis.baselineFile, { shownAs: status.file })
          if (fresh.status.state === 'corrupt') throw new Error(fresh.status.error?.message ?? `baseline ${label} became corrupt`)
          assertFirstBaselineRepeats(fresh.baseline, analysis.results)
          const { baseline, replaced, added, kept, keptInvalid } = updateBaseline(fresh.baseline, analysis.results, provenance, fresh.status.invalid)
          // Invalid entries the run did not re-measure stay invalid: the gate is still off for them.
          for (const e of keptInvalid) this.error(`mlnode-bench: kept invalid, not gated until fixed: ${e.message}`)
          if (keptInvalid.length > 0) process.exitCode = 1
          if (replaced.length + added.length === 0) {
            this.log(`mlnode-bench: baseline ${label} left unchanged: no passed result to accept.`)
            return
          }
          await writeBaseline(analysis.baselineFile, baseline)
          const commit = provenance.git ? ` at ${provenance.git.commit.slice(0, 7)}${provenance.git.dirty ? ' (dirty tree)' : ''}` : ''
          this.log(`mlnode-bench: baseline ${label} ${status.state === 'missing' ? 'created' : 'updated'}${commit}: ${replaced.length} replaced, ${added.length} added, ${kept.length} kept.` +
            (analysis.diff.hasRegression ? ` ${analysis.diff.counts.regressed} regression(s) were ACCEPTED.` : ''))
          return
        } finally {
          await release()
        }
      }
      // renderDiffText above already named each problem.
      if (analysis.diff.hasRegression || baselineProblems(status).length > 0) process.exitCode = 1
    } catch (error) {
      this.error(`mlnode-bench: baseline check failed: ${(error as Error).message}`)
      process.exitCode = 1
    }
  }
}
