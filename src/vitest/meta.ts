import type { BenchResult } from '../contracts/results.js'

// The channel from bench bodies (workers) to reporters (main process): vitest serializes
// `task.meta` with each task result (docs/vitest-bench-mode.md, "Carrying custom data to reporters").
declare module 'vitest' {
  interface TaskMeta {
    mlnodeBench?: BenchResult
  }
}

export {}
