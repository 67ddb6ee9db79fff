/** JUnit XML of a bench run: `new JUnitReporter({ outputFile })` in `test.benchmark.reporters`. */
import type { TestCase, TestModule, TestRunEndReason, TestSpecification } from 'vitest/node'
import { renderJUnit } from '../src/report/junit.js'
import { analyseRun, type BaselineCompareOptions } from './analysis.js'
import { MlnodeReporterBase } from './reporter-base.js'

export interface JUnitReporterOptions extends BaselineCompareOptions {
  /** Output file, relative to the vitest root. @default '.mlnode-bench/junit.xml' */
  outputFile?: string
}

/**
 * Writes one testcase per model × variant × workload, with failures for regressions and errors.
 * Results kept from earlier runs (see ResultsJsonReporter) are skipped testcases naming their run;
 * from the run's start until its normal end the file carries a failing "run … has not finished".
 */
export class JUnitReporter extends MlnodeReporterBase {
  constructor(private readonly options: JUnitReporterOptions = {}) {
    super()
  }

  private get outputFile(): string {
    return this.options.outputFile ?? '.mlnode-bench/junit.xml'
  }

  protected override outputFiles(): string[] {
    return [this.outputFile]
  }

  async onTestRunStart(specifications: ReadonlyArray<TestSpecification>): Promise<void> {
    await this.queueReport('JUnit report', this.outputFile, async () => {
      await this.ledger.begin(specifications)
      const view = await this.ledger.running()
      return renderJUnit(view.results, { run: view.run })
    }, { quiet: true })
  }

  /** While the run goes on the file follows it: a killed run leaves what it measured. */
  onTestCaseResult(testCase: TestCase): Promise<void> {
    if (!this.recordCase(testCase)) return Promise.resolve()
    return this.queueReport('JUnit report', this.outputFile, async () => {
      const view = await this.ledger.running()
      return renderJUnit(view.results, { run: view.run })
    }, { quiet: true })
  }

  onTestRunEnd(modules: ReadonlyArray<TestModule>, _errors: unknown, reason?: TestRunEndReason): Promise<void> {
    return this.queueReport('JUnit report', this.outputFile, async () => {
      const [analysis, view] = await Promise.all([analyseRun(this.vitest, modules, this.options), this.ledger.finish(modules, reason, this.lookup)])
      return renderJUnit(view.results, { diff: analysis.diff, baseline: analysis.status, run: view.run })
    })
  }
}
