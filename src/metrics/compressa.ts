/**
 * compressa-perf v0.2.5's metrics with ITS formulas (docs/metrics.md "compressa-perf metrics"; compressa/perf/experiment/
 * analysis.py), in seconds and tokens/s, over S = successful measured requests:
 *   start_i = sentAtMs (compressa stamps before its client connects; we stamp when the request is
 *             written, so connection set-up is not counted: the one deliberate difference)
 *   end_i   = endAtMs (stream fully read, after [DONE])
 *   TTFT    = mean(firstChunkAtMs − start) — the empty role chunk counts as the first token
 *   LATENCY = mean(end − start)
 *   TPOT    = Σ(end − start) / Σ completion_tokens   (TTFT included, unlike its docs)
 *   span    = max(end) − min(start) over S
 *   THROUGHPUT_INPUT_TOKENS = Σ prompt_tokens / span; THROUGHPUT_OUTPUT_TOKENS = Σ completion_tokens / span
 *   RPS     = |S| / span
 *   TTFT_95, LATENCY_95 = sorted values, rank 0.95·(n−1), linear interpolation
 *   FAILED_REQUESTS = measured requests that failed
 * Every figure is 0 when S is empty or a divisor is 0, as compressa-perf does.
 */
import { percentileLinear } from './distribution.js'
import type { CompressaMetrics, RequestRecord } from '../contracts/records.js'

/** compressa-perf metrics of the measured (non-warm-up) records. */
export function compressaMetrics(records: readonly RequestRecord[]): CompressaMetrics {
  const measured = records.filter((r) => !r.warmup)
  const ok = measured.filter((r) => r.failure === undefined)
  const failed = measured.length - ok.length
  if (ok.length === 0) {
    return { TTFT: 0, LATENCY: 0, TPOT: 0, THROUGHPUT_INPUT_TOKENS: 0, THROUGHPUT_OUTPUT_TOKENS: 0, RPS: 0, TTFT_95: 0, LATENCY_95: 0, FAILED_REQUESTS: failed }
  }
  const s = (ms: number): number => ms / 1000
  // A success without any chunk (cannot happen with vLLM) gets its whole latency as TTFT.
  const ttfts = ok.map((r) => s((r.firstChunkAtMs ?? r.endAtMs) - r.sentAtMs))
  const latencies = ok.map((r) => s(r.endAtMs - r.sentAtMs))
  const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0)
  const latencySum = sum(latencies)
  const outputTokens = sum(ok.map((r) => r.completionTokens))
  const inputTokens = sum(ok.map((r) => r.promptTokens))
  const spanS = s(Math.max(...ok.map((r) => r.endAtMs)) - Math.min(...ok.map((r) => r.sentAtMs)))
  const per = (x: number): number => (spanS > 0 ? x / spanS : 0)
  return {
    TTFT: sum(ttfts) / ok.length,
    LATENCY: latencySum / ok.length,
    TPOT: outputTokens > 0 ? latencySum / outputTokens : 0,
    THROUGHPUT_INPUT_TOKENS: per(inputTokens),
    THROUGHPUT_OUTPUT_TOKENS: per(outputTokens),
    RPS: per(ok.length),
    TTFT_95: percentileLinear(ttfts.sort((a, b) => a - b), 95),
    LATENCY_95: percentileLinear(latencies.sort((a, b) => a - b), 95),
    FAILED_REQUESTS: failed,
  }
}
