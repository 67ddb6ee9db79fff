/**
 * Contracts between the load engine (producer of RequestRecord), the metrics module (producer of
 * WorkloadMetrics) and the reporters (consumers). Times are milliseconds on a monotonic clock
 * (`performance.now()`), stamped at the event, never wall-clock.
 */

/** Why a request failed. Failures are data: they never end a run. */
export type FailureReason =
  | 'http_status' // non-2xx answer (body kept in message)
  | 'stream_error' // `data: {"error": …}` in the stream
  | 'connection' // refused, reset, dropped mid-stream
  | 'timeout_total' // whole request exceeded its bound
  | 'timeout_idle' // no bytes for too long between chunks
  | 'bad_response' // malformed JSON / SSE, or a stream that ended without [DONE]
  | 'aborted' // the run was cancelled

export interface RequestFailure {
  reason: FailureReason
  message: string
  status?: number
}

/** What one request did, as measured by the client. */
export interface RequestRecord {
  /** Index within the workload (warm-up requests included). */
  index: number
  /** Warm-up requests are measured but excluded from every statistic. */
  warmup: boolean
  /** When the schedule wanted the request sent (open loop: its arrival time). */
  scheduledAtMs: number
  /** When the request was actually written (after waiting for a concurrency slot). */
  sentAtMs: number
  /**
   * When the engine handed the request to the connection pool (after the concurrency slot).
   * `sentAtMs − dispatchedAtMs` is pool queueing / connection set-up, kept out of TTFT.
   */
  dispatchedAtMs?: number
  /** First byte of the response body (any SSE event, role-only chunk included). */
  firstByteAtMs?: number
  /** First SSE data event carrying a choice (vLLM's empty role chunk counts: compressa-perf's TTFT). */
  firstChunkAtMs?: number
  /** Each data event that carried non-empty content/text (vLLM bench's definition of a token chunk). */
  contentChunkAtMs: number[]
  /** Response fully read (after [DONE] or end of body) or failure time. */
  endAtMs: number
  promptTokens: number
  completionTokens: number
  /** True when the server sent no usage and token counts are estimates. */
  tokensEstimated: boolean
  /** Concatenated generated text, only when the load engine was asked to keep it (debugging, tests). */
  outputText?: string
  failure?: RequestFailure
}

/** A latency distribution: summary figures plus the raw HDR histogram (microseconds). */
export interface DistributionSummary {
  count: number
  meanMs: number
  medianMs: number
  p90Ms: number
  p95Ms: number
  p99Ms: number
  minMs: number
  maxMs: number
  stdMs: number
  /** hdr-histogram-js `encodeIntoCompressedBase64` of the values in microseconds. */
  histogram: string
}

/** compressa-perf v0.2.5's metric names and formulas (docs/metrics.md "compressa-perf metrics"), seconds and tokens/s. */
export interface CompressaMetrics {
  TTFT: number
  LATENCY: number
  TPOT: number
  THROUGHPUT_INPUT_TOKENS: number
  THROUGHPUT_OUTPUT_TOKENS: number
  RPS: number
  TTFT_95: number
  LATENCY_95: number
  FAILED_REQUESTS: number
}

/** Service-level objectives for goodput: a request is "good" when it meets every one set. */
export interface Slo {
  ttftMs?: number
  tpotMs?: number
  e2elMs?: number
}

/** Everything one workload run measured (vLLM `bench serve` definitions, docs/metrics.md "vLLM bench serve"). */
export interface WorkloadMetrics {
  requests: {
    total: number
    completed: number
    failed: number
    failuresByReason: Partial<Record<FailureReason, number>>
  }
  /** First dispatch → last completion, seconds. */
  durationS: number
  ttftMs: DistributionSummary
  tpotMs: DistributionSummary
  itlMs: DistributionSummary
  e2elMs: DistributionSummary
  /** Time spent waiting for a concurrency slot (open loop with max concurrency). */
  queueWaitMs: DistributionSummary
  inputTokens: number
  outputTokens: number
  tokensEstimated: boolean
  requestsPerS: number
  inputTokensPerS: number
  outputTokensPerS: number
  totalTokensPerS: number
  /** Requests meeting every SLO per second; undefined when no SLO was set. */
  goodputRequestsPerS?: number
  slo?: Slo
  compressa: CompressaMetrics
}
