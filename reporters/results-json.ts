/**
 * `.mlnode-bench/results.json`: the results of this run merged into those of earlier runs
 * (RunResults). At the run's start the file is marked `run.state: 'running'`, then rewritten
 * atomically after each bench so an interrupted run keeps what it measured; at a normal end it
 * says 'complete'. A partial run (file filter, `-t`, shard) replaces only the entries it ran; the
 * others are kept, each with the run that measured it.
 */
import { resolve } from 'node:path'
import type { TestCase, TestModule, TestRunEndReason, TestSpecification, Vitest } from 'vitest/node'
import { writeFileAtomic } from '../src/outputs/atomic-write.js'
import { gateStatusForResults } from '../src/report/baseline-status.js'
import type { BaselineGateStatus, RunResults } from '../src/contracts/results.js'
import { analyseRun, type BaselineCompareOptions } from './analysis.js'
import { MlnodeReporterBase } from './reporter-base.js'
import type { RunView } from './run-ledger.js'

export interface ResultsJsonReporterOptions extends BaselineCompareOptions {
  /** Output file, relative to the vitest root. @default '.mlnode-bench/results.json' */
  outputFile?: string
}

export class ResultsJsonReporter extends MlnodeReporterBase {
  private writing: Promise<void> = Promise.resolve()
  private baseline?: BaselineGateStatus

  constructor(private readonly options: ResultsJsonReporterOptions = {}) {
    super()
  }

  private get outputFile(): string {
    return resolve(this.root, this.options.outputFile ?? '.mlnode-bench/results.json')
  }

  protected override readonly resultsRole = 'results' as const

  protected override outputFiles(): string[] {
    return [this.outputFile]
  }

  override onInit(vitest: Vitest): void {
    super.onInit(vitest)
    // JUnit and summary.md show what this file keeps from earlier runs: they find it here.
    this.ledger.resultsFile = this.outputFile
  }

  async onTestRunStart(specifications: ReadonlyArray<TestSpecification>): Promise<void> {
    const start = this.ledger.begin(specifications)
    start.then((s) => s.warning && this.error(`mlnode-bench: ${s.warning}`), () => undefined)
    await this.write(async () => {
      await start
      return this.ledger.running()
    }).then(() => undefined)
  }

  onTestCaseResult(testCase: TestCase): Promise<void> {
    return this.recordCase(testCase) ? this.write(() => this.ledger.running()).then(() => undefined) : this.writing
  }

  async onTestRunEnd(modules: ReadonlyArray<TestModule>, _errors: unknown, reason?: TestRunEndReason): Promise<void> {
    // The final file says whether the baseline could gate the run (same analysis as the other reporters).
    this.baseline = gateStatusForResults((await analyseRun(this.vitest, modules, this.options)).status)
    const finished = this.ledger.finish(modules, reason, this.lookup)
    finished.catch(() => undefined)
    const written = await this.write(() => finished)
    const view = await finished.catch(() => undefined)
    if (!view || !written) return
    const kept = view.kept.length > 0 ? `; ${view.kept.length} result(s) of earlier runs kept (not re-run)` : ''
    this.log(`mlnode-bench: results written to ${this.shown(this.outputFile)}: ${view.results.length - view.kept.length} from this run${kept}`)
  }

  /** Writes are serialized: the file on disk is always one complete snapshot, the latest last. */
  /** Resolves true when this snapshot reached the disk. */
  private write(view: () => Promise<RunView>): Promise<boolean> {
    const written = this.writing.then(async () => {
      try {
        const { provenance, run, results } = await view()
        const file: RunResults = { schemaVersion: 1, provenance, run, results, ...(this.baseline ? { baseline: this.baseline } : {}) }
        await writeFileAtomic(this.outputFile, `${JSON.stringify(file, null, 2)}\n`)
        return true
      } catch (error) {
        this.error(`mlnode-bench: results NOT written: ${(error as Error).message}`)
        process.exitCode = 1
        return false
      }
    })
    this.writing = written.then(() => undefined)
    return written
  }
}
