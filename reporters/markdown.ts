/** Markdown summary (PR comment body): `new MarkdownReporter({ outputFile })`. */
import type { TestModule } from 'vitest/node'
import { renderMarkdown } from '../src/report/markdown.js'
import { analyseRun, type BaselineCompareOptions } from './analysis.js'
import { MlnodeReporterBase } from './reporter-base.js'

export interface MarkdownReporterOptions extends BaselineCompareOptions {
  /** Output file, relative to the vitest root. @default '.mlnode-bench/summary.md' */
  outputFile?: string
}

/** Writes the baseline comparison as Markdown with the sticky-comment marker. */
export class MarkdownReporter extends MlnodeReporterBase {
  constructor(private readonly options: MarkdownReporterOptions = {}) {
    super()
  }

  onTestRunEnd(modules: ReadonlyArray<TestModule>): Promise<void> {
    return this.writeReport('summary', this.options.outputFile ?? '.mlnode-bench/summary.md', async () => {
      const analysis = await analyseRun(this.vitest, modules, this.options)
      const text = renderMarkdown(analysis.diff, { baseline: analysis.status })
      return analysis.diffError ? `${text}\n> [!WARNING]\n> Nothing was compared: ${analysis.diffError.message}\n` : text
    })
  }

}
