/**
 * What globalSetup (main process) hands to suites (workers) through `project.provide`/`inject`.
 */
import type { ProvidedRunMode, ProvidedTarget } from '../run/target-config.js'

declare module 'vitest' {
  interface ProvidedContext {
    mlnodeBench: ProvidedTarget
    mlnodeBenchRunMode: ProvidedRunMode
    /** Where a workload being measured keeps its partial result, kept on Ctrl-C (src/run/interrupt.ts). */
    mlnodeBenchPartialDir?: string
  }
}
