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
 *   THROUGHPUT = (Σ prompt_tokens + Σ completion_tokens) / span
 *   THROUGHPUT_INPUT_TOKENS = Σ prompt_tokens / span; THROUGHPUT_OUTPUT_TOKENS = Σ completion_tokens / span
 *   RPS     = |S| / span
 *   TTFT_95, LATENCY_95 = sorted values, rank 0.95·(n−1), linear interpolation
 *   TOP_5_TTFT, TOP_5_LATENCY = mean of the sorted values from index ⌊0.95·n⌋ on (the slowest 5 %)
 *   LONGER_THAN_{60,120,180}_LATENCY = |{i ∈ S : end − start > 60 / 120 / 180 s}|
 *   FAILED_REQUESTS = measured requests that failed
 *   FAILED_REQUESTS_PER_HOUR = FAILED_REQUESTS / ((max end − min start over ALL measured requests) / 3600)
 * Every figure is 0 when S is empty or a divisor is 0, as compressa-perf does.
 */
import { percentileLinear } from './distribution.js'
import type { CompressaMetrics, RequestRecord } from '../contracts/records.js'

/** What compressa-perf keeps of one request (its Measurements table), seconds. */
export interface CompressaMeasurement {
  startS: number
  endS: number
  ttftS: number
  nInput: number
  nOutput: number
  ok: boolean
}

const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0)

/** Mean of the slowest 5 %: compressa-perf's slice from ⌊0.95·n⌋ (0 when that slice is empty). */
function top5Mean(sorted: readonly number[]): number {
  const cut = Math.floor(0.95 * sorted.length)
  if (cut >= sorted.length) return 0
  return sum(sorted.slice(cut)) / (sorted.length - cut)
}

/** compressa-perf metrics of per-request measurements (compressa-perf's own, or ours converted). */
export function compressaMetricsOf(measured: readonly CompressaMeasurement[]): Required<CompressaMetrics> {
  const ok = measured.filter((m) => m.ok)
  const failed = measured.length - ok.length
  const allSpanS = measured.length === 0 ? 0 : Math.max(...measured.map((m) => m.endS)) - Math.min(...measured.map((m) => m.startS))
  const failedPerHour = allSpanS > 0 ? failed / (allSpanS / 3600) : 0
  if (ok.length === 0) {
    return {
      TTFT: 0, LATENCY: 0, TPOT: 0, THROUGHPUT: 0, THROUGHPUT_INPUT_TOKENS: 0, THROUGHPUT_OUTPUT_TOKENS: 0, RPS: 0,
      TTFT_95: 0, LATENCY_95: 0, TOP_5_TTFT: 0, TOP_5_LATENCY: 0,
      LONGER_THAN_60_LATENCY: 0, LONGER_THAN_120_LATENCY: 0, LONGER_THAN_180_LATENCY: 0,
      FAILED_REQUESTS: failed, FAILED_REQUESTS_PER_HOUR: failedPerHour,
    }
  }
  const ttfts = ok.map((m) => m.ttftS).sort((a, b) => a - b)
  const latencies = ok.map((m) => m.endS - m.startS)
  const latencySum = sum(latencies)
  latencies.sort((a, b) => a - b)
  // compressa-perf clamps negative token counts (its "unknown" marker) to 0.
  const outputTokens = sum(ok.map((m) => Math.max(0, m.nOutput)))
  const inputTokens = sum(ok.map((m) => Math.max(0, m.nInput)))
  const spanS = Math.max(...ok.map((m) => m.endS)) - Math.min(...ok.map((m) => m.startS))
  const per = (x: number): number => (spanS > 0 ? x / spanS : 0)
  const longer = (s: number): number => latencies.filter((l) => l > s).length
  return {
    TTFT: sum(ttfts) / ok.length,
    LATENCY: latencySum / ok.length,
    TPOT: outputTokens > 0 ? latencySum / outputTokens : 0,
    THROUGHPUT: per(inputTokens + outputTokens),
    THROUGHPUT_INPUT_TOKENS: per(inputTokens),
    THROUGHPUT_OUTPUT_TOKENS: per(outputTokens),
    RPS: per(ok.length),
    TTFT_95: percentileLinear(ttfts, 95),
    LATENCY_95: percentileLinear(latencies, 95),
    TOP_5_TTFT: top5Mean(ttfts),
    TOP_5_LATENCY: top5Mean(latencies),
    LONGER_THAN_60_LATENCY: longer(60),
    LONGER_THAN_120_LATENCY: longer(120),
    LONGER_THAN_180_LATENCY: longer(180),
    FAILED_REQUESTS: failed,
    FAILED_REQUESTS_PER_HOUR: failedPerHour,
  }
}

/** compressa-perf metrics of the measured (non-warm-up) records. */
export function compressaMetrics(records: readonly RequestRecord[]): Required<CompressaMetrics> {
  const s = (ms: number): number => ms / 1000
  return compressaMetricsOf(
    records
      .filter((r) => !r.warmup)
      .map((r) => ({
        startS: s(r.sentAtMs),
        endS: s(r.endAtMs),
        // A success without any chunk (cannot happen with vLLM) gets its whole latency as TTFT.
        ttftS: s((r.firstChunkAtMs ?? r.endAtMs) - r.sentAtMs),
        nInput: r.promptTokens,
        nOutput: r.completionTokens,
        ok: r.failure === undefined,
      })),
  )
}
