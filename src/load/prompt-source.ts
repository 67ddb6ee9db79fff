/**
 * What a workload's prompts are to the load client: one source per workload, built from a
 * synthetic spec, a prompt file (prompts.ts) or a dataset (datasets/).
 */

/** Per-request body fields a dataset sets (src/load/datasets). */
export interface DatasetRequest {
  /** The whole chat history to send (replaces the single user message). */
  messages?: ReadonlyArray<{ role: string; content: string }>
  /** Replaces the workload's maxTokens (a recorded answer's length). */
  maxTokens?: number
  /** Hold the output at maxTokens: ignore_eos and min_tokens (trace replay). */
  exactLength?: boolean
}

/** Prompts for request indexes 0..total−1 (warm-ups included). */
export interface PromptSource {
  /** Prompt text of request `index`. */
  text(index: number): string
  /** Prompt tokens to report if the server sends no usage. */
  estimatedTokens(index: number): number
  /** Dataset fields of request `index`'s body. */
  request?(index: number): DatasetRequest | undefined
  /** Recorded arrivals of requests from..from+count−1, ms after the first of them (trace replay). */
  arrivalOffsetsMs?(from: number, count: number): number[]
  /** Turn of request `index` in its conversation (0: first); a later turn waits for the one before. */
  turnOf?(index: number): number
}

/** Options of `preparePrompts`. */
export interface PreparePromptsOptions {
  /** Number of requests (warm-ups included). */
  total: number
  /** @default 0 */
  seed?: number
  /** Workload name, mixed into the seed. @default '' */
  name?: string
  /** Extra text mixed in so repeated runs differ. @default '' */
  salt?: string
  /** Where relative file paths resolve from. @default process.cwd() */
  baseDir?: string
}
