/**
 * `.mlnode-bench/results.json`: every BenchResult of the run (RunResults), rewritten atomically
 * after each bench so that an interrupted run keeps what it measured; final in onTestRunEnd.
 */
import { resolve } from 'node:path'
import type { TestCase, TestModule } from 'vitest/node'
import { writeFileAtomic } from '../src/report/atomic-write.js'
import { gateStatusForResults } from '../src/report/baseline-status.js'
import type { BaselineGateStatus, BenchResult, Provenance, RunResults } from '../src/report/model.js'
import { resultKeyString } from '../src/report/model.js'
import { collectProvenance } from '../src/report/provenance.js'
import { analyseRun, type BaselineCompareOptions } from './analysis.js'
import { benchResultOf, collectBenchResults } from './collect.js'
import { MlnodeReporterBase } from './reporter-base.js'

export interface ResultsJsonReporterOptions extends BaselineCompareOptions {
  /** Output file, relative to the vitest root. @default '.mlnode-bench/results.json' */
  outputFile?: string
}

export class ResultsJsonReporter extends MlnodeReporterBase {
  private readonly results = new Map<string, BenchResult>()
  private provenance?: Promise<Provenance>
  private writing: Promise<void> = Promise.resolve()
  private baseline?: BaselineGateStatus

  constructor(private readonly options: ResultsJsonReporterOptions = {}) {
    super()
  }

  private get outputFile(): string {
    return resolve(this.root, this.options.outputFile ?? '.mlnode-bench/results.json')
  }

  onTestRunStart(): void {
    this.provenance = collectProvenance({ cwd: this.root })
  }

  onTestCaseResult(testCase: TestCase): Promise<void> {
    const r = benchResultOf(testCase, this.lookup)
    if (r) this.results.set(resultKeyString(r), r)
    return this.write()
  }

  async onTestRunEnd(modules: ReadonlyArray<TestModule>): Promise<void> {
    for (const r of collectBenchResults(modules, this.lookup)) this.results.set(resultKeyString(r), r)
    // The final file says whether the baseline could gate the run (same analysis as the other reporters).
    this.baseline = gateStatusForResults((await analyseRun(this.vitest, modules, this.options)).status)
    await this.write()
    if (this.results.size > 0) this.log(`mlnode-bench: results written to ${this.shown(this.outputFile)}`)
  }

  /** Writes are serialized: the file on disk is always one complete snapshot. */
  private write(): Promise<void> {
    this.writing = this.writing.then(async () => {
      if (this.results.size === 0) return
      const run: RunResults = {
        schemaVersion: 1,
        provenance: await (this.provenance ??= collectProvenance({ cwd: this.root })),
        results: [...this.results.values()],
        ...(this.baseline ? { baseline: this.baseline } : {}),
      }
      try {
        await writeFileAtomic(this.outputFile, `${JSON.stringify(run, null, 2)}\n`)
      } catch (error) {
        this.error(`mlnode-bench: ${(error as Error).message}`)
        process.exitCode = 1
      }
    })
    return this.writing
  }
}
