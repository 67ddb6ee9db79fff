/**
 * Prints, after Vitest's summary, every test skipped with a reason (`ctx.skip(condition, note)`):
 * the default reporter shows only "1 skipped", and a test that needs a system program (Chromium)
 * must not go unseen on a machine without it. Same reporter API in Vitest 4.1 and 5.
 */
import type { Reporter, TestModule } from 'vitest/node'

export class SkipNotesReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const notes: string[] = []
    for (const module of testModules) {
      for (const test of module.children.allTests('skipped')) {
        const result = test.result()
        if (result.state === 'skipped' && result.note) notes.push(`${module.moduleId.replace(`${process.cwd()}/`, '')} > ${test.fullName}: ${result.note}`)
      }
    }
    if (notes.length > 0) process.stdout.write(`\n SKIPPED with a reason (${notes.length}):\n${notes.map((n) => `   - ${n}\n`).join('')}\n`)
  }
}
