/**
 * Types the channel from bench bodies to reporters: each bench task carries its BenchResult in
 * `task.meta.mlnodeBench` (written by src/vitest before the bench completes; vitest-bench.md).
 */
import type { BenchResult } from '../src/report/model.js'

declare module 'vitest' {
  interface TaskMeta {
    mlnodeBench?: BenchResult
  }
}

export {}
