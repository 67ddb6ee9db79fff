// Public API of mlnode-bench: explicit named exports only.
export { MlnodeBenchError, hasCode, isMlnodeBenchError, redact } from './errors.js'
export type { ErrorCode } from './errors.js'
export type * from './metrics/types.js'
export type * from './report/model.js'
