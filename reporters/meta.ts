/**
 * Types the channel from bench bodies to reporters: each bench task carries its BenchResult in
 * `task.meta.mlnodeBench` (declared once, in src/vitest/meta.ts, next to the code that writes it).
 */
import '../src/vitest/meta.js'

export {}
