/**
 * One error tree for the whole tool. Errors cross from vitest workers to reporters serialized,
 * so consumers branch on `code` (stable), never on `instanceof`.
 */
export type ErrorCode =
  | 'MLNB_ARGS_PARSE'
  | 'MLNB_ARGS_GUARD'
  | 'MLNB_LAYOUT'
  | 'MLNB_CONFIG'
  | 'MLNB_MLNODE_HTTP'
  | 'MLNB_MLNODE_REFUSED'
  | 'MLNB_MLNODE_TIMEOUT'
  | 'MLNB_MLNODE_BAD_BODY'
  /** The MLNode predates the routes mlnode-bench needs (src/mlnode/version.ts). */
  | 'MLNB_MLNODE_TOO_OLD'
  | 'MLNB_DEPLOY_FAILED'
  | 'MLNB_DEPLOY_TIMEOUT'
  | 'MLNB_ABORTED'
  | 'MLNB_LOAD'
  | 'MLNB_BASELINE'
  | 'MLNB_BASELINE_MISSING'
  | 'MLNB_REPORT'
  | 'MLNB_SIM'
  | 'MLNB_MODEL'
  | 'MLNB_CLI'
  /** Misuse of the command line (unknown option, bad value…): the CLI exits with code 2. */
  | 'MLNB_USAGE'
  /** The GitHub API answered 2xx with a body of an unexpected shape. */
  | 'MLNB_GITHUB_BAD_BODY'
  | 'MLNB_WATCH'
  /** A workload stopped early: too many of its requests failed for it to pass. */
  | 'MLNB_LOAD_STOPPED'
  /** The run history (SQLite) or an imported compressa-perf database cannot be read or written. */
  | 'MLNB_HISTORY'

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
    .replace(/(\b[a-z][a-z0-9+.-]*:\/\/)[^/\s@]*@/gi, '$1***@')
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
