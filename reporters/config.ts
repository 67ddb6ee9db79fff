/**
 * Reporters for bench runs under both Vitest majors, in a config shared with `vitest run`:
 * Vitest 4.1 reads `test.benchmark.reporters` in bench mode (and ignores the top-level list
 * there); Vitest 5 dropped `benchmark.reporters` and reads the top-level `test.reporters`. Set
 * both; this keeps the top-level list to the `vitest bench` command, so `vitest run` keeps its
 * default reporter:
 *   test: { reporters: benchRunReporters(reporters), benchmark: { include, reporters } }
 */
import type { Reporter } from 'vitest/node'

/** `reporters` when the command is `vitest bench`, else Vitest's default reporter. */
export function benchRunReporters(reporters: Reporter[], argv: readonly string[] = process.argv): Array<Reporter | 'default'> {
  return argv.slice(2).includes('bench') ? reporters : ['default']
}
