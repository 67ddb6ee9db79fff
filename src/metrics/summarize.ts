/**
 * Per-request records → WorkloadMetrics, with vLLM `bench serve` definitions (docs/metrics.md "vLLM bench serve";
 * vllm benchmarks/benchmark_serving.py `calculate_metrics`). For a successful request i sent at
 * t0 = sentAtMs with content chunks c1..cm (contentChunkAtMs: data events carrying non-empty text):
 *   TTFT_i  = c1 − t0
 *   E2EL_i  = cm − t0   (end = the LAST CONTENT CHUNK, not [DONE]/usage: what vLLM's client stamps)
 *   ITL     = every gap c(j) − c(j−1), pooled over requests
 *   TPOT_i  = (E2EL_i − TTFT_i) / (N_out_i − 1), only when N_out_i > 1; N_out = usage.completion_tokens
 *   queue wait_i = sentAtMs − scheduledAtMs (concurrency slot + pool/connection wait; NOT in TTFT)
 *   T       = first dispatch → last completion (run.startedAtMs → run.endedAtMs when given, else
 *             min(scheduledAtMs) → max(endAtMs) over measured requests), seconds
 *   request throughput = completed / T; output = ΣN_out / T; input = ΣN_in / T;
 *   total token throughput = (ΣN_in + ΣN_out) / T; goodput = requests meeting every SLO / T
 *   (vLLM compares with ≤; a request with N_out ≤ 1 has no TPOT and passes a TPOT SLO, as in vLLM
 *   where its TPOT is 0).
 * Warm-up requests are excluded from everything; failed requests are counted by reason and
 * excluded from latency statistics and token sums. A success with no content chunk counts as
 * completed but has no TTFT/E2EL. Percentiles are exact (linear interpolation over the values,
 * numpy's default) — histograms carry the same values for merging.
 */
import { compressaMetrics } from './compressa.js'
import { summarizeValues } from './distribution.js'
import type { FailureReason, RequestRecord, Slo, WorkloadMetrics } from '../contracts/records.js'

/** Options of `summarize`. */
export interface SummarizeOptions {
  /** SLOs for goodput. @default run.spec?.slo, else no goodput */
  slo?: Slo
}

/** What `summarize` needs of a run (a WorkloadRun fits). */
export interface SummarizeInput {
  records: readonly RequestRecord[]
  startedAtMs?: number
  endedAtMs?: number
  spec?: { slo?: Slo }
}

/** Workload metrics of a run (see the module comment for every formula). */
export function summarize(run: SummarizeInput, options: SummarizeOptions = {}): WorkloadMetrics {
  const measured = run.records.filter((r) => !r.warmup)
  const ok: RequestRecord[] = []
  const failuresByReason: Partial<Record<FailureReason, number>> = {}
  for (const r of measured) {
    if (r.failure === undefined) ok.push(r)
    else failuresByReason[r.failure.reason] = (failuresByReason[r.failure.reason] ?? 0) + 1
  }

  const ttfts: number[] = []
  const e2els: number[] = []
  const tpots: number[] = []
  const itls: number[] = []
  let inputTokens = 0
  let outputTokens = 0
  let tokensEstimated = false
  const slo = options.slo ?? run.spec?.slo
  let good = 0
  for (const r of ok) {
    inputTokens += r.promptTokens
    outputTokens += r.completionTokens
    if (r.tokensEstimated) tokensEstimated = true
    const chunks = r.contentChunkAtMs
    if (chunks.length === 0) continue
    const ttft = (chunks[0] as number) - r.sentAtMs
    const e2el = (chunks[chunks.length - 1] as number) - r.sentAtMs
    ttfts.push(ttft)
    e2els.push(e2el)
    for (let j = 1; j < chunks.length; j++) itls.push((chunks[j] as number) - (chunks[j - 1] as number))
    const tpot = r.completionTokens > 1 ? (e2el - ttft) / (r.completionTokens - 1) : undefined
    if (tpot !== undefined) tpots.push(tpot)
    if (
      slo !== undefined &&
      (slo.ttftMs === undefined || ttft <= slo.ttftMs) &&
      (slo.tpotMs === undefined || (tpot ?? 0) <= slo.tpotMs) &&
      (slo.e2elMs === undefined || e2el <= slo.e2elMs)
    )
      good++
  }

  // Queue wait of every request not cancelled by an abort (those may never have been sent).
  const queueWaits = measured
    .filter((r) => r.failure?.reason !== 'aborted')
    .map((r) => r.sentAtMs - r.scheduledAtMs)

  const startMs = run.startedAtMs ?? Math.min(...measured.map((r) => r.scheduledAtMs))
  const endMs = run.endedAtMs ?? Math.max(...measured.map((r) => r.endAtMs))
  const durationS = measured.length > 0 && endMs > startMs ? (endMs - startMs) / 1000 : 0
  const per = (x: number): number => (durationS > 0 ? x / durationS : 0)

  const metrics: WorkloadMetrics = {
    requests: { total: measured.length, completed: ok.length, failed: measured.length - ok.length, failuresByReason },
    durationS,
    ttftMs: summarizeValues(ttfts),
    tpotMs: summarizeValues(tpots),
    itlMs: summarizeValues(itls),
    e2elMs: summarizeValues(e2els),
    queueWaitMs: summarizeValues(queueWaits),
    inputTokens,
    outputTokens,
    tokensEstimated,
    requestsPerS: per(ok.length),
    inputTokensPerS: per(inputTokens),
    outputTokensPerS: per(outputTokens),
    totalTokensPerS: per(inputTokens + outputTokens),
    compressa: compressaMetrics(measured),
  }
  if (slo !== undefined) {
    metrics.slo = slo
    metrics.goodputRequestsPerS = per(good)
  }
  return metrics
}
