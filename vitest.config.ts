import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'
import type { Reporter } from 'vitest/node'
import { benchRunReporters } from './reporters/config.js'
import { ConsoleReporter } from './reporters/console.js'
import { ResultsJsonReporter } from './reporters/results-json.js'
import { JUnitReporter } from './reporters/junit.js'
import { MarkdownReporter } from './reporters/markdown.js'
import { BaselineReporter } from './reporters/baseline.js'
import { HistoryReporter } from './reporters/history.js'
import { SkipNotesReporter } from './test/helpers/skip-notes-reporter.js'

// Constructed once: Vitest 4.1 uses benchmark.reporters in bench mode, Vitest 5 the top-level list.
const reporters = [
  new ConsoleReporter(),
  new ResultsJsonReporter(),
  new JUnitReporter(),
  new MarkdownReporter(),
  new BaselineReporter({ baselineFile: 'benchmarks/baseline.json' }),
  // Last: appends the run to .mlnode-bench/history.sqlite and writes .mlnode-bench/report.html.
  new HistoryReporter(),
]

export default defineConfig({
  resolve: {
    // Suites import the package by name, as a user's project does.
    alias: { 'mlnode-bench': fileURLToPath(new URL('./src/index.ts', import.meta.url)) },
  },
  test: {
    // `vitest run` (the tests): the default reporter, then the reasons of skipped tests.
    reporters: benchRunReporters(reporters).flatMap((r): Array<Reporter | 'default'> => (r === 'default' ? ['default', new SkipNotesReporter()] : [r])),
    include: ['test/**/*.test.ts'],
    exclude: ['**/node_modules/**', 'test/fixtures/**'],
    testTimeout: 20_000,
    // Test files share their worker's module graph instead of re-importing it per file: 40 % less
    // CPU for the unit tests on 2 cores (92 s vs 152 s). Tests restore what they change (env, console).
    isolate: false,
    // Starts the embedded simulator unless MLNODE_URL is set (bench runs only need it, but it is cheap).
    // The tests' own temp root and a cleared shared-history URL first (test/helpers/isolated-test-run.ts), then the target.
    globalSetup: ['./test/helpers/isolated-test-run.ts', './src/vitest/global-setup.ts'],
    benchmark: {
      include: ['benchmarks/**/*.bench.ts'],
      exclude: ['**/node_modules/**', 'benchmarks/broken/**'],
      // Reporters take options by construction: tuple entries are silently ignored in bench mode.
      reporters,
    },
  },
})
