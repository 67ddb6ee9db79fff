// Public API of mlnode-bench: explicit named exports only.
export { MlnodeBenchError, hasCode, isMlnodeBenchError, redact } from './errors.js'
export type { ErrorCode } from './errors.js'

// Suites (vitest adapter).
export { deploymentSuite } from './vitest/index.js'
export type { DeploymentSuiteOptions } from './vitest/index.js'

// vLLM args: parse, guard, layout.
export { parseVllmArgs, toMlnodeArgs, parallelismOf, classifyArg, guardVariant, assertVariantAllowed, computeLayout, layoutProblems } from './args/index.js'
export type { ParsedArgs, GuardViolation, GuardVariantInput } from './args/index.js'

// MLNode management client.
export { MlnodeClient, waitUntilReady } from './mlnode/index.js'
export type { MlnodeClientOptions, UpRequest, WaitUntilReadyOptions, ReadyResult } from './mlnode/index.js'

// Load and metrics.
export { runWorkload, streamRequest, validateWorkload, compressaDefaultConfigPath, loadCompressaConfig, parseCompressaConfig } from './load/index.js'
export type { WorkloadSpec, PromptSpec, ArrivalSpec, LoadTarget, WorkloadRun } from './load/index.js'
export { summarize, encodeHistogram, decodeHistogram, mergeHistograms, summaryFromHistogram } from './metrics/index.js'
export type * from './metrics/types.js'

// Simulator and performance model.
export { startSimulator, simulateRequests } from './sim/index.js'
export type { SimulatorOptions, SimulatorHandle } from './sim/index.js'
export { getHardwareProfile, listHardwareProfiles, getModelSpec, loadModelConfig, resolveEngineConfig, planInstance } from './model/index.js'
export type { HardwareProfile, ModelSpec, EngineConfig, InstancePlan } from './model/index.js'

// Results and reports.
export type * from './report/model.js'
