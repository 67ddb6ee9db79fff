/**
 * vLLM's Prometheus /metrics page, served by the simulator from its engines' own state: the names,
 * types and labels vLLM V1 exposes (vllm/v1/metrics/loggers.py: gauges `vllm:num_requests_running`,
 * `vllm:num_requests_waiting`, `vllm:kv_cache_usage_perc`; counters `vllm:num_preemptions`,
 * `vllm:prompt_tokens`, `vllm:generation_tokens`, `vllm:prefix_cache_queries`/`hits`, which
 * Python's prometheus_client prints with `_total`), one `engine` label value per replica as vLLM
 * labels its engines. The text is rendered by prom-client, not by hand.
 */
import { Counter, Gauge, Registry } from 'prom-client'
import type { EngineSnapshot } from './engine-types.js'

const LABELS = ['model_name', 'engine'] as const

interface Family {
  name: string
  help: string
  kind: 'gauge' | 'counter'
  value: (s: EngineSnapshot) => number
}

const FAMILIES: readonly Family[] = [
  { name: 'vllm:num_requests_running', help: 'Number of requests in model execution batches.', kind: 'gauge', value: (s) => s.running },
  { name: 'vllm:num_requests_waiting', help: 'Number of requests waiting to be processed.', kind: 'gauge', value: (s) => s.waiting },
  { name: 'vllm:kv_cache_usage_perc', help: 'KV-cache usage. 1 means 100 percent usage.', kind: 'gauge', value: (s) => (s.kvBlocks > 0 ? s.usedBlocks / s.kvBlocks : 0) },
  { name: 'vllm:num_preemptions_total', help: 'Cumulative number of preemption from the engine.', kind: 'counter', value: (s) => s.preemptions },
  { name: 'vllm:prompt_tokens_total', help: 'Number of prefill tokens processed.', kind: 'counter', value: (s) => s.promptTokens },
  { name: 'vllm:generation_tokens_total', help: 'Number of generation tokens processed.', kind: 'counter', value: (s) => s.generationTokens },
  { name: 'vllm:prefix_cache_queries_total', help: 'Prefix cache queries, in terms of number of queried tokens.', kind: 'counter', value: (s) => s.prefixQueries },
  { name: 'vllm:prefix_cache_hits_total', help: 'Prefix cache hits, in terms of number of cached tokens.', kind: 'counter', value: (s) => s.prefixHits },
]

/** The page for the replicas now running (none running: only the HELP and TYPE lines, as vLLM before its first step). */
export async function renderMetricsPage(model: string, engines: readonly EngineSnapshot[]): Promise<string> {
  const registry = new Registry()
  for (const f of FAMILIES) {
    const options = { name: f.name, help: f.help, labelNames: LABELS, registers: [registry] }
    const metric = f.kind === 'gauge' ? new Gauge(options) : new Counter(options)
    engines.forEach((s, i) => {
      const labels = { model_name: model, engine: String(i) }
      if (metric instanceof Gauge) metric.set(labels, f.value(s))
      else metric.inc(labels, f.value(s))
    })
  }
  return registry.metrics()
}

/** The content type prom-client renders (Prometheus text format 0.0.4). */
export const METRICS_CONTENT_TYPE = new Registry().contentType
