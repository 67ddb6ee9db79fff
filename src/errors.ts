/**
 * One error tree for the whole tool. Errors cross from vitest workers to reporters serialized,
 * so consumers branch on `code` (stable), never on `instanceof`.
 */
/**
 * Every code, with what it means for the user: the README's table of error codes is checked
 * against this list (test/errors.test.ts).
 */
export const ERROR_CODES = {
  MLNB_ARGS_PARSE: 'A vLLM arg of a suite or command cannot be parsed (unknown flag form, missing value).',
  MLNB_ARGS_GUARD: 'A variant changes or drops a mandatory (output-affecting) arg, or adds one that is not known to be speed-only; nothing is deployed.',
  MLNB_LAYOUT: "A variant's TP × PP × DP does not fit the GPUs or the model (heads, layers).",
  MLNB_CONFIG: 'Bad configuration: a suite field, workload file, environment variable or vitest config; the message names the file, field and value.',
  MLNB_MLNODE_HTTP: 'MLNode answered with an HTTP error.',
  MLNB_MLNODE_REFUSED: 'MLNode cannot be reached (connection refused or reset).',
  MLNB_MLNODE_TIMEOUT: 'MLNode did not answer in time.',
  MLNB_MLNODE_BAD_BODY: 'MLNode answered 2xx with a body of an unexpected shape.',
  MLNB_MLNODE_TOO_OLD: 'The MLNode predates the routes mlnode-bench needs (/health, up/async, up/status, gpu: v0.2.4 or later).',
  MLNB_DEPLOY_FAILED: 'A variant did not come up: MLNode or vLLM failed it (the MLNode log is quoted when a logCommand is set).',
  MLNB_DEPLOY_TIMEOUT: 'A variant was not ready within deployTimeoutS: a slow node, not necessarily a broken variant.',
  MLNB_ABORTED: 'The run was cancelled (Ctrl-C, a timeout of the caller).',
  MLNB_LOAD: 'A workload failed: more of its requests failed than maxFailureRate allows, or none was sent.',
  MLNB_LOAD_STOPPED: 'A workload stopped early: so many requests had failed that it could no longer pass; what was measured is kept.',
  MLNB_BASELINE: 'The baseline file cannot be read, parsed or written.',
  MLNB_BASELINE_REPEATS: 'A first baseline on a real target was to be accepted from fewer than 3 repeats per workload (suite option repeats, MLNODE_BENCH_REPEATS): its noise would be unknown; nothing was written.',
  MLNB_BASELINE_MISSING: '`diff` found no baseline (pass --allow-missing-baseline to accept that).',
  MLNB_REPORT: 'A results or report file cannot be read or written.',
  MLNB_SIM: 'The embedded simulator failed to start or was asked something it cannot simulate.',
  MLNB_MODEL: 'The performance model has no such hardware profile or model, or cannot place it.',
  MLNB_UNKNOWN_GPU: "A real MLNode's GPUs are not in the GPU catalog: the message holds a hardware file template to fill in (docs/hardware.md); the run goes on without the model's checks and predictions.",
  MLNB_CLI: 'A command failed for a reason other than its options.',
  MLNB_USAGE: 'Misuse of the command line (unknown option, bad value): the command exits with code 2.',
  MLNB_GITHUB_BAD_BODY: 'The GitHub API answered 2xx with a body of an unexpected shape (PR comment).',
  MLNB_WATCH: 'Watch mode would redeploy a real MLNode (or rewrite the baseline) on every save; nothing was done.',
  MLNB_HISTORY: 'The run history (SQLite, or PostgreSQL through MLNODE_BENCH_HISTORY_URL) or an imported compressa-perf database cannot be read or reached, is not what it should be, or cannot be written.',
  MLNB_CHAIN: 'The chain REST API (MLNODE_BENCH_CHAIN_URL, --chain) cannot be reached in time, answers an HTTP error, or serves models JSON of an unexpected shape; the message names the URL and the field.',
  MLNB_NETWORK_MODEL: 'A suite or command names a network model the registry does not know (the known ones and the closest are listed), or gives mandatoryArgs that differ from the ones the chain fixes for it.',
  MLNB_VALIDATION: "A variant's answers fail the network's inference validation: similarity at or below the model's threshold, or different tokens or a shorter answer when replayed, whatever its speed.",
  MLNB_VALIDATION_REFERENCE: 'The validation reference cannot be used: its file is missing, malformed or of another model or probe set, or the reference variant produced no answers.',
  MLNB_POC: 'A PoC workload failed: MLNode refused init/generate, no backend generated, or the callbacks broke the protocol; what was measured is kept.',
  MLNB_POC_STALLED: 'A PoC generation stalled: no artifact arrived within the stall timeout (a hung engine, e.g. batch × seq_len beyond --max-num-batched-tokens); PoC was stopped.',
  MLNB_POC_STOP: 'PoC could not be stopped (pow/stop failed or a backend still generates): the node is not clean for the next variant.',
} as const satisfies Record<`MLNB_${string}`, string>

export type ErrorCode = keyof typeof ERROR_CODES

/** How a bench failed (results.json's `failure.kind`). */
export type FailureKind = 'guard' | 'deploy' | 'workload' | 'regression' | 'internal' | 'validation'

/**
 * The failure kind each code stands for, kept with the codes so a new code must choose one.
 * A bad variant (args, layout) is a guard failure whether it is found at collection or at deploy
 * time; anything the MLNode or the simulator refused is a deploy failure. `undefined`: the stage
 * that caught the error decides (a workload, the validation step, the reporter).
 */
export const FAILURE_KIND_OF_CODE: Readonly<Record<ErrorCode, FailureKind | undefined>> = {
  MLNB_ARGS_PARSE: 'guard',
  MLNB_ARGS_GUARD: 'guard',
  MLNB_LAYOUT: 'guard',
  MLNB_NETWORK_MODEL: 'guard',
  MLNB_VALIDATION: 'validation',
  MLNB_VALIDATION_REFERENCE: 'validation',
  MLNB_MLNODE_HTTP: 'deploy',
  MLNB_MLNODE_REFUSED: 'deploy',
  MLNB_MLNODE_TIMEOUT: 'deploy',
  MLNB_MLNODE_BAD_BODY: 'deploy',
  MLNB_MLNODE_TOO_OLD: 'deploy',
  MLNB_DEPLOY_FAILED: 'deploy',
  MLNB_DEPLOY_TIMEOUT: 'deploy',
  MLNB_SIM: 'deploy',
  MLNB_CONFIG: undefined,
  MLNB_BASELINE_REPEATS: undefined,
  MLNB_ABORTED: undefined,
  MLNB_LOAD: undefined,
  MLNB_LOAD_STOPPED: undefined,
  MLNB_BASELINE: undefined,
  MLNB_BASELINE_MISSING: undefined,
  MLNB_REPORT: undefined,
  MLNB_MODEL: undefined,
  MLNB_UNKNOWN_GPU: undefined,
  MLNB_CLI: undefined,
  MLNB_USAGE: undefined,
  MLNB_GITHUB_BAD_BODY: undefined,
  MLNB_WATCH: undefined,
  MLNB_HISTORY: undefined,
  MLNB_CHAIN: undefined,
  MLNB_POC: undefined,
  MLNB_POC_STALLED: undefined,
  MLNB_POC_STOP: undefined,
}

/**
 * Failure kind from an error's stable code (errors cross processes serialized: branch on code);
 * `fallback` for codes that leave it to the stage, and for anything that is not our code.
 */
export function failureKindOf(code: string | undefined, fallback: FailureKind): FailureKind {
  return (code !== undefined && Object.hasOwn(FAILURE_KIND_OF_CODE, code) ? FAILURE_KIND_OF_CODE[code as ErrorCode] : undefined) ?? fallback
}

export class MlnodeBenchError extends Error {
  override name = 'MlnodeBenchError'
  readonly code: ErrorCode
  /** Structured facts behind the message (model, variant, endpoint…), safe to print. */
  readonly details: Readonly<Record<string, unknown>>

  constructor(code: ErrorCode, message: string, options: { cause?: unknown; details?: Record<string, unknown> } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.code = code
    this.details = options.details ?? {}
  }
}

/** True when `error` carries the given code, also after serialization across processes. */
export function hasCode(error: unknown, code: ErrorCode): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === code
}

/**
 * Removes credentials from anything URL-like before it reaches a message or a log:
 * `https://user:secret@host/x?token=abc` → `https://***@host/x?token=***`.
 */
export function redact(text: string): string {
  return text
    .replace(/(\b[a-z][a-z0-9+.-]*:\/\/)[^/\s@"'<>]*@/gi, '$1***@')
    .replace(/([?&](?:token|access_token|api_key|apikey|key|secret|password|auth)=)[^&\s#]*/gi, '$1***')
    .replace(/\b(Bearer|token)\s+[A-Za-z0-9._~+/=-]{8,}/g, '$1 ***')
    .replace(/\b(gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})\b/g, '***')
}

/** True for our errors, also after they crossed a process boundary as plain objects. */
export function isMlnodeBenchError(error: unknown): error is MlnodeBenchError {
  if (error instanceof MlnodeBenchError) return true
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined
  return typeof code === 'string' && code.startsWith('MLNB_')
}
