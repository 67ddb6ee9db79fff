/** JUnit XML of a bench run: `new JUnitReporter({ outputFile })` in `test.benchmark.reporters`. */
import { resolve } from 'node:path'
import type { TestModule } from 'vitest/node'
import { writeFileAtomic } from '../src/report/atomic-write.js'
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

  async onTestRunEnd(modules: ReadonlyArray<TestModule>): Promise<void> {
    const outputFile = resolve(this.root, this.options.outputFile ?? '.mlnode-bench/junit.xml')
    try {
      const analysis = await analyseRun(this.vitest, modules, this.options)
      await writeFileAtomic(outputFile, renderJUnit(analysis.results, { diff: analysis.diff }))
      this.log(`mlnode-bench: JUnit report written to ${this.shown(outputFile)}`)
    } catch (error) {
      this.error(`mlnode-bench: JUnit report ${outputFile} not written: ${(error as Error).message}`)
      process.exitCode = 1
    }
  }
}
