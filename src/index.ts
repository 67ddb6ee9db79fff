// Public API of mlnode-bench: explicit named exports only.
export { MlnodeBenchError, hasCode, isMlnodeBenchError, redact } from './errors.js'
export type { ErrorCode } from './errors.js'
export { deploymentSuite } from './vitest/index.js'
export type { DeploymentSuiteOptions } from './vitest/index.js'
export { compressaDefaultConfigPath, loadCompressaConfig, parseCompressaConfig } from './load/index.js'
export type { WorkloadSpec, PromptSpec, ArrivalSpec } from './load/index.js'
export type * from './metrics/types.js'
export type * from './report/model.js'
