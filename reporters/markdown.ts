/** Markdown summary (PR comment body): `new MarkdownReporter({ outputFile })`. */
import { resolve } from 'node:path'
import type { TestModule } from 'vitest/node'
import { writeFileAtomic } from '../src/report/atomic-write.js'
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

  async onTestRunEnd(modules: ReadonlyArray<TestModule>): Promise<void> {
    const outputFile = resolve(this.root, this.options.outputFile ?? '.mlnode-bench/summary.md')
    try {
      const analysis = await analyseRun(this.vitest, modules, this.options)
      let text = renderMarkdown(analysis.diff)
      if (analysis.baselineError) text += `\n> [!WARNING]\n> ${analysis.baselineError.message}\n`
      await writeFileAtomic(outputFile, text)
      this.log(`mlnode-bench: summary written to ${this.shown(outputFile)}`)
    } catch (error) {
      this.error(`mlnode-bench: summary ${outputFile} not written: ${(error as Error).message}`)
      process.exitCode = 1
    }
  }
}
