/** Markdown summary (PR comment body): `new MarkdownReporter({ outputFile })`. */
import type { TestCase, TestModule, TestRunEndReason, TestSpecification } from 'vitest/node'
import { renderMarkdown, renderRunningMarkdown } from '../src/report/markdown.js'
import { withKeptResults } from '../src/report/diff.js'
import { analyseRun, type BaselineCompareOptions } from './analysis.js'
import { MlnodeReporterBase } from './reporter-base.js'

export interface MarkdownReporterOptions extends BaselineCompareOptions {
  /** Output file, relative to the vitest root. @default '.mlnode-bench/summary.md' */
  outputFile?: string
}

/**
 * Writes the baseline comparison of this run as Markdown with the sticky-comment marker, and
 * lists apart the results kept from earlier runs. From the run's start until its normal end the
 * headline says INCOMPLETE.
 */
export class MarkdownReporter extends MlnodeReporterBase {
  constructor(private readonly options: MarkdownReporterOptions = {}) {
    super()
  }

  private get outputFile(): string {
    return this.options.outputFile ?? '.mlnode-bench/summary.md'
  }

  protected override outputFiles(): string[] {
    return [this.outputFile]
  }

  async onTestRunStart(specifications: ReadonlyArray<TestSpecification>): Promise<void> {
    await this.queueReport('summary', this.outputFile, async () => {
      await this.ledger.begin(specifications)
      const view = await this.ledger.running()
      return renderRunningMarkdown(view.run, view.kept, [])
    }, { quiet: true })
  }

  /** While the run goes on the summary follows it: a killed run leaves what it measured. */
  onTestCaseResult(testCase: TestCase): Promise<void> {
    if (!this.recordCase(testCase)) return Promise.resolve()
    return this.queueReport('summary', this.outputFile, async () => {
      const view = await this.ledger.running()
      return renderRunningMarkdown(view.run, view.kept, view.results.filter((r) => !view.kept.includes(r)))
    }, { quiet: true })
  }

  onTestRunEnd(modules: ReadonlyArray<TestModule>, _errors: unknown, reason?: TestRunEndReason): Promise<void> {
    return this.queueReport('summary', this.outputFile, async () => {
      const [analysis, view] = await Promise.all([analyseRun(this.vitest, modules, this.options), this.ledger.finish(modules, reason, this.lookup)])
      const text = renderMarkdown(withKeptResults(analysis.diff, view.kept), { runInfo: view.run, kept: view.kept, baseline: analysis.status })
      return analysis.diffError ? `${text}\n> [!WARNING]\n> Nothing was compared: ${analysis.diffError.message}\n` : text
    })
  }
}
