/**
 * What globalSetup (main process) hands to suites (workers) through `project.provide`/`inject`.
 */
import type { NetworkRegistry } from '../network/types.js'
import type { ProvidedRunMode, ProvidedTarget } from '../run/target-config.js'

declare module 'vitest' {
  interface ProvidedContext {
    mlnodeBench: ProvidedTarget
    mlnodeBenchRunMode: ProvidedRunMode
    /** The live network registry (MLNODE_BENCH_CHAIN_URL); not provided: the snapshot is used. */
    mlnodeBenchNetworkModels: NetworkRegistry | undefined
    /** Where a workload being measured keeps its partial result, kept on Ctrl-C (src/run/interrupt.ts). */
    mlnodeBenchPartialDir?: string
  }
}
