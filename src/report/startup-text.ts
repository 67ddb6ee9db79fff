/** vLLM's start-up figures beside the model's, as text: the console line and JUnit properties (src/telemetry/vllm-startup.ts reads them). */
import type { VllmStartup } from '../contracts/results.js'

/** "vLLM start-up: GPU KV cache 1,587,648 tokens (model 1,540,000), …" for the console. */
export function startupLine(s: VllmStartup, simulated = false): string {
  const p = s.predicted
  const n = (x: number) => x.toLocaleString('en-US')
  const beside = (measured: number | undefined, predicted: number | undefined, show: (x: number) => string) =>
    measured === undefined ? undefined : `${show(measured)}${predicted === undefined ? '' : ` (model ${show(predicted)}, ×${(measured / predicted).toFixed(2)})`}`
  const parts = [
    ['GPU KV cache', beside(s.kvCacheTokens, p?.kvCacheTokens, (x) => `${n(x)} tokens`)],
    [`max concurrency${s.maxConcurrencyAtTokens ? ` at ${n(s.maxConcurrencyAtTokens)} tokens` : ''}`, beside(s.maxConcurrency, p && (s.maxConcurrencyAtTokens === undefined || s.maxConcurrencyAtTokens === p.maxModelLen) ? p.maxConcurrency : undefined, (x) => `${x.toFixed(2)}x`)],
    ['KV memory/GPU', beside(s.availableKvCacheGiB, p?.kvCacheGiBPerGpu, (x) => `${x.toFixed(2)} GiB`)],
    ['weights/GPU', beside(s.modelLoadingGiB, p?.weightsGiBPerGpu, (x) => `${x.toFixed(2)} GiB`)],
    ['CUDA graphs', s.cudaGraphGiB === undefined ? undefined : `${s.cudaGraphGiB.toFixed(2)} GiB`],
    ['CUDA graphs estimated', s.cudaGraphEstimateGiB === undefined ? undefined : `${s.cudaGraphEstimateGiB.toFixed(2)} GiB`],
  ].filter((c): c is [string, string] => c[1] !== undefined)
  const head = `vLLM start-up${simulated ? ' (simulated log)' : ''}`
  if (parts.length === 0) return `${head}: not available — ${s.unavailable.join('; ')}`
  return `${head}: ${parts.map(([k, v]) => `${k} ${v}`).join(', ')}${p ? '' : ' (no model prediction for this model or hardware)'}`
}

/** JUnit testcase properties: vLLM's start-up figures (`simulated_` first on a simulator) and the model's (`model_`). */
export function startupProperties(r: { vllmStartup?: VllmStartup; target: { kind: string } }): Array<[string, string]> {
  const s = r.vllmStartup
  if (!s) return []
  const sim = r.target.kind === 'simulated' ? 'simulated_' : ''
  const out: Array<[string, number | undefined]> = [
    [`${sim}vllm_kv_cache_tokens`, s.kvCacheTokens],
    [`${sim}vllm_max_concurrency`, s.maxConcurrency],
    [`${sim}vllm_available_kv_cache_gib`, s.availableKvCacheGiB],
    [`${sim}vllm_model_loading_gib`, s.modelLoadingGiB],
    [`${sim}vllm_cuda_graph_gib`, s.cudaGraphGiB ?? s.cudaGraphEstimateGiB],
    ['model_kv_cache_tokens', s.predicted?.kvCacheTokens],
    ['model_max_concurrency', s.predicted?.maxConcurrency],
    ['model_kv_cache_gib_per_gpu', s.predicted?.kvCacheGiBPerGpu],
    ['model_weights_gib_per_gpu', s.predicted?.weightsGiBPerGpu],
  ]
  return [...out.flatMap(([k, v]) => (v === undefined ? [] : [[k, String(v)] as [string, string]])), ...(s.unavailable.length ? [['vllm_startup_unavailable', s.unavailable.join('; ')] as [string, string]] : [])]
}
