/**
 * Appends each finished run to the history (`.mlnode-bench/history.sqlite`) and writes the HTML
 * report (`.mlnode-bench/report.html`) from it. Runs after the run's other outputs and never
 * touches them: a history that cannot be read or written is reported (and fails the run), while
 * results.json, summary.md and JUnit stay as the other reporters wrote them.
 */
import { resolve } from 'node:path'
import type { TestCase, TestModule, TestRunEndReason, TestSpecification } from 'vitest/node'
import { DEFAULT_HISTORY_FILE, historyLocation, withHistory } from '../src/history/store.js'
import { buildReportData, renderHtmlReport } from '../src/html-report/index.js'
import { writeFileAtomic } from '../src/outputs/atomic-write.js'
import type { RunResults } from '../src/contracts/results.js'
import { MlnodeReporterBase } from './reporter-base.js'
import { analyseRun, type BaselineCompareOptions } from './analysis.js'
import type { RunGate } from '../src/history/list-text.js'
import { redact } from '../src/errors.js'

export interface HistoryReporterOptions extends BaselineCompareOptions {
  /**
   * The store, relative to the vitest root, or a postgres:// URL.
   * @default MLNODE_BENCH_HISTORY_URL when set, else '.mlnode-bench/history.sqlite'
   */
  historyFile?: string
  /** The HTML report, relative to the vitest root; `false` writes none. @default '.mlnode-bench/report.html' */
  reportFile?: string | false
  /** Runs the report shows (the newest). @default all */
  reportRuns?: number
}

export class HistoryReporter extends MlnodeReporterBase {
  constructor(private readonly options: HistoryReporterOptions = {}) {
    super()
  }

  protected override outputFiles(): string[] {
    // A PostgreSQL history is no file of the run; a bad URL is reported when the run ends.
    const inFile = (() => {
      try {
        return historyLocation(this.options.historyFile).kind === 'sqlite'
      } catch {
        return false
      }
    })()
    return [...(inFile ? [this.options.historyFile ?? DEFAULT_HISTORY_FILE] : []), ...(this.options.reportFile === false ? [] : [this.options.reportFile ?? '.mlnode-bench/report.html'])]
  }

  onTestRunStart(specifications: ReadonlyArray<TestSpecification>): Promise<void> {
    // The ledger reads results.json of earlier runs once, before anything rewrites it.
    return this.ledger.begin(specifications).then(() => undefined)
  }

  onTestCaseResult(testCase: TestCase): void {
    this.recordCase(testCase)
  }

  async onTestRunEnd(modules: ReadonlyArray<TestModule>, _errors: unknown, reason?: TestRunEndReason): Promise<void> {
    // As given until it is known to be a file or a URL (a URL's credentials masked).
    let shownAs = redact(this.options.historyFile ?? DEFAULT_HISTORY_FILE)
    try {
      const location = historyLocation(this.options.historyFile, { root: this.root })
      shownAs = location.kind === 'sqlite' ? this.shown(location.path) : location.shownAs
      const view = await this.ledger.finish(modules, reason, this.lookup)
      const own = view.results.filter((r) => !view.kept.includes(r))
      if (own.length === 0) return
      const file: RunResults = { schemaVersion: 1, provenance: view.provenance, run: view.run, results: own }
      const reportFile = this.options.reportFile === false ? undefined : resolve(this.root, this.options.reportFile ?? '.mlnode-bench/report.html')
      // The gate's verdict of this run (the same analysis the baseline reporter prints): `history list` shows it.
      const analysis = await analyseRun(this.vitest, modules, this.options)
      const gate: RunGate = analysis.diffError
        ? { verdict: 'not compared', why: analysis.diffError.message }
        : { verdict: !analysis.diff.baselineFound ? 'no baseline' : analysis.diff.hasRegression ? 'regressed' : 'passed', regressed: analysis.diff.counts.regressed, improved: analysis.diff.counts.improved, unchanged: analysis.diff.counts.unchanged }
      const { added, runs } = await withHistory(
        location,
        async (store) => ({ added: await store.addRun(file, { extra: { gate } }), runs: reportFile ? await store.runs(this.options.reportRuns === undefined ? {} : { limit: this.options.reportRuns }) : [] }),
        { write: true },
      )
      this.log(`mlnode-bench: run #${added.seq} ${added.added ? 'added to' : 'already in'} history ${shownAs} (${added.results} result${added.results === 1 ? '' : 's'})`)
      if (reportFile) {
        await writeFileAtomic(reportFile, await renderHtmlReport(buildReportData({ runs })))
        this.log(`mlnode-bench: HTML report written to ${this.shown(reportFile)}`)
      }
    } catch (error) {
      this.error(`mlnode-bench: history ${shownAs} not updated: ${(error as Error).message} (results.json and the other reports are not affected)`)
      process.exitCode = 1
    }
  }
}
