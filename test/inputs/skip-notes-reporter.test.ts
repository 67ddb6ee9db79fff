/** A test skipped with a reason (no Chromium) is listed after the summary, not only counted. */
import { expect, it, vi } from 'vitest'
import type { TestModule } from 'vitest/node'
import { SkipNotesReporter } from '../helpers/skip-notes-reporter.js'

/** The part of Vitest's TestModule the reporter reads. */
function moduleWith(tests: Array<{ fullName: string; note?: string }>): TestModule {
  return {
    moduleId: `${process.cwd()}/test/html-report/browser.e2e.test.ts`,
    children: { allTests: () => tests.map((t) => ({ fullName: t.fullName, result: () => ({ state: 'skipped', note: t.note }) })) },
  } as unknown as TestModule
}

it('prints each skipped test with its note, and nothing when no test has one', () => {
  const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true)
  try {
    new SkipNotesReporter().onTestRunEnd([moduleWith([{ fullName: 'HTML report > renders', note: '/usr/bin/chromium is missing' }, { fullName: 'plain skip' }])])
    expect(write.mock.calls.map((c) => String(c[0])).join('')).toContain(
      'SKIPPED with a reason (1):\n   - test/html-report/browser.e2e.test.ts > HTML report > renders: /usr/bin/chromium is missing',
    )
    write.mockClear()
    new SkipNotesReporter().onTestRunEnd([moduleWith([{ fullName: 'plain skip' }])])
    expect(write).not.toHaveBeenCalled()
  } finally {
    write.mockRestore()
  }
})
