// vLLM args as data: parse, normalise, classify, guard, GPU layout.
export { parseVllmArgs, scanVllmArgs, toMlnodeArgs, canonicalJsonText } from './parse.js'
export type { ArgValue, ParsedArgs, ParseVllmArgsOptions, ArgOccurrence, ArgIssue, ScannedArgs } from './parse.js'
export { parallelismOf } from './parallelism.js'
export type { Parallelism } from './parallelism.js'
export { computeLayout, layoutProblems, assertLayout, DEFAULT_INSTANCE_CAP } from './layout.js'
export type { LayoutInput, LayoutModel } from './layout.js'
