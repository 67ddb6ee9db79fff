/** What the simulated engine (engine.ts) takes, reports and calls back. */
import type { StepBatch } from '../model/types.js'

/** A request as the engine sees it: token counts only (text lives in the HTTP layer). */
export interface EngineRequest {
  /** Unique within the engine. */
  id: string
  promptTokens: number
  /** Tokens to generate before finishing (max_tokens, or earlier when the EOS draw says so). */
  outputTokens: number
  /** Chained hashes of the prompt's full KV blocks (prompt-blocks.ts): with prefix caching on, requests share cached blocks by them. */
  blockHashes?: readonly number[]
}

/** Callbacks from the engine, called at the simulated time of the event. */
export interface EngineListener {
  /** The request produced its `count`-th output token (1-based) at simulated time `atS`. */
  onToken?(request: EngineRequest, count: number, atS: number): void
  /** The request produced its last token (after the matching onToken). */
  onFinish?(request: EngineRequest, atS: number): void
  /** The request can never be scheduled (needs more KV blocks than the whole cache). */
  onReject?(request: EngineRequest, reason: string, atS: number): void
  /** After each step was formed (tests check scheduler invariants here). */
  onStep?(info: StepInfo): void
}

/** What one step looked like, for invariant checks and diagnostics. */
export interface StepInfo {
  startS: number
  durationS: number
  batch: StepBatch
  running: number
  waiting: number
  usedBlocks: number
  kvBlocks: number
  scheduledTokens: number
  preempted: number
}

/** Counters over the engine's life. */
export interface EngineStats {
  steps: number
  preemptions: number
  finished: number
  aborted: number
  rejected: number
  maxRunning: number
  maxUsedBlocks: number
  /** Prompt tokens of requests that produced their first token (vLLM's `vllm:prompt_tokens`). */
  promptTokens: number
  /** Output tokens produced (vLLM's `vllm:generation_tokens`). */
  generationTokens: number
  /** With prefix caching: tokens looked up at admission, and those found cached (`vllm:prefix_cache_queries`/`hits`). */
  prefixQueries: number
  prefixHits: number
}

/** The engine's state at one instant: what vLLM's /metrics gauges show. */
export interface EngineSnapshot extends EngineStats {
  running: number
  waiting: number
  usedBlocks: number
  kvBlocks: number
}

/** Options of {@link Engine}. */
export interface EngineOptions {
  /** Multiplies every step's cost (MLNODE_SIM_SLOWDOWN). @default 1 */
  slowdown?: number
  /**
   * Coefficient of variation of a step's duration (seeded log-normal factor, mean 1): run-to-run
   * noise for characterising the baseline gate; real GPUs jitter too. @default 0
   */
  noiseCv?: number
  /** Seed of the noise stream. @default 0 */
  noiseSeed?: number
}
