// mlnode-bench: what a suite author needs. The parts below the suites (args, MLNode client, load
// engine, simulator, performance model, run core) are on 'mlnode-bench/advanced'; the Vitest
// reporters on 'mlnode-bench/reporters'; the globalSetup on 'mlnode-bench/global-setup'.
export { deploymentSuite } from './vitest/index.js'
export type { DeploymentSuiteOptions } from './vitest/index.js'

// The Gonka network's models as the chain fixes them (args, VRam, validation threshold, PoC settings).
export { networkModelEntry } from './network/registry.js'
export type { NetworkModel, PocSettings } from './network/types.js'

// Workloads: inline objects, or compressa-perf YAML (its default config ships with the package).
export { compressaDefaultConfigPath } from './load/index.js'
export type { WorkloadSpec, PromptSpec, ArrivalSpec } from './load/index.js'
export type { Slo } from './contracts/records.js'
export type { PocSpec, PocWorkloadSpec, SweepSpec, SweepWorkloadSpec } from './contracts/workload.js'

// Errors: every failure of the tool is an MlnodeBenchError with a stable MLNB_* code (README).
export { MlnodeBenchError, hasCode, isMlnodeBenchError } from './errors.js'
export type { ErrorCode } from './errors.js'

// Results as the reporters write them (results.json, baseline.json).
export type { BenchResult, RunResults, TargetInfo, Layout, MeasurementResolution, ValidationFigures, PocResult, PocBackendResult, NodeEnvironment } from './contracts/results.js'

// The suite option `validation` (docs/validation-check.md).
export type { ValidationOptions, ValidationSampling } from './validation/options.js'
export type { WorkloadMetrics, DistributionSummary } from './contracts/records.js'
