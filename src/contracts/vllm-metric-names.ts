/**
 * The vLLM server figures mlnode-bench reads from a /metrics page, each with every name vLLM has
 * used for it, newest first (vllm/v1/metrics/loggers.py; Python's prometheus_client prints a
 * counter `x` as `x_total`). vLLM PR #18354 renamed `vllm:gpu_cache_usage_perc` to
 * `vllm:kv_cache_usage_perc` and `vllm:gpu_prefix_cache_{queries,hits}` to
 * `vllm:prefix_cache_{queries,hits}`; vLLM 0.10.0 serves both, the old ones marked DEPRECATED,
 * and later versions hide then drop them (docs/telemetry.md "Names in each vLLM version").
 */
export type ServerFigure =
  | 'kvCacheUsage'
  | 'running'
  | 'waiting'
  | 'preemptions'
  | 'promptTokens'
  | 'generationTokens'
  | 'prefixQueries'
  | 'prefixHits'
  | 'specDraftTokens'
  | 'specAcceptedTokens'

export interface FigureNames {
  /** A gauge is read as it is at each sample; a counter as the difference over the workload. */
  kind: 'gauge' | 'counter'
  names: readonly string[]
}

export const SERVER_FIGURES: Readonly<Record<ServerFigure, FigureNames>> = {
  kvCacheUsage: { kind: 'gauge', names: ['vllm:kv_cache_usage_perc', 'vllm:gpu_cache_usage_perc'] },
  running: { kind: 'gauge', names: ['vllm:num_requests_running'] },
  waiting: { kind: 'gauge', names: ['vllm:num_requests_waiting'] },
  preemptions: { kind: 'counter', names: ['vllm:num_preemptions_total', 'vllm:num_preemptions'] },
  promptTokens: { kind: 'counter', names: ['vllm:prompt_tokens_total', 'vllm:prompt_tokens'] },
  generationTokens: { kind: 'counter', names: ['vllm:generation_tokens_total', 'vllm:generation_tokens'] },
  prefixQueries: { kind: 'counter', names: ['vllm:prefix_cache_queries_total', 'vllm:gpu_prefix_cache_queries_total', 'vllm:gpu_prefix_cache_queries'] },
  prefixHits: { kind: 'counter', names: ['vllm:prefix_cache_hits_total', 'vllm:gpu_prefix_cache_hits_total', 'vllm:gpu_prefix_cache_hits'] },
  specDraftTokens: { kind: 'counter', names: ['vllm:spec_decode_num_draft_tokens_total'] },
  specAcceptedTokens: { kind: 'counter', names: ['vllm:spec_decode_num_accepted_tokens_total'] },
}

/**
 * The figures a page gave under an older spelling than the newest vLLM uses (`figure → name`):
 * a report says so, since it tells which vLLM generation answered.
 */
export function olderNamesFound(metricNames: Readonly<Record<string, string>>): Array<[ServerFigure, string]> {
  return (Object.entries(metricNames) as Array<[ServerFigure, string]>).filter(([figure, name]) => SERVER_FIGURES[figure] !== undefined && SERVER_FIGURES[figure].names[0] !== name)
}
