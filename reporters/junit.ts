/** JUnit XML of a bench run: `new JUnitReporter({ outputFile })` in `test.benchmark.reporters`. */
import type { TestModule } from 'vitest/node'
import { renderJUnit } from '../src/report/junit.js'
import { analyseRun, type BaselineCompareOptions } from './analysis.js'
import { MlnodeReporterBase } from './reporter-base.js'

export interface JUnitReporterOptions extends BaselineCompareOptions {
  /** Output file, relative to the vitest root. @default '.mlnode-bench/junit.xml' */
  outputFile?: string
}

/** Writes one testcase per model × variant × workload, with failures for regressions and errors. */
export class JUnitReporter extends MlnodeReporterBase {
  constructor(private readonly options: JUnitReporterOptions = {}) {
    super()
  }

  onTestRunEnd(modules: ReadonlyArray<TestModule>): Promise<void> {
    return this.writeReport('JUnit report', this.options.outputFile ?? '.mlnode-bench/junit.xml', async () => {
      const analysis = await analyseRun(this.vitest, modules, this.options)
      return renderJUnit(analysis.results, { diff: analysis.diff, baseline: analysis.status })
    })
  }

}
