/** The server's own view of a workload (ServerTelemetry) in words, for the console, summary.md and the HTML report. */
import type { BenchResult, ServerTelemetry } from '../contracts/results.js'
import { formatNumber } from './format.js'
import { olderNamesFound } from '../contracts/vllm-metric-names.js'

const pct = (x: number) => `${formatNumber(x * 100)} %`

/** Figure → text, in the order people read them; figures the pages lacked are left out. */
export function telemetryCells(t: ServerTelemetry): Array<[string, string]> {
  const cells: Array<[string, string | undefined]> = [
    ['KV use peak', t.kvCacheUsagePeak === undefined ? undefined : pct(t.kvCacheUsagePeak)],
    ['KV use mean', t.kvCacheUsageMean === undefined ? undefined : pct(t.kvCacheUsageMean)],
    ['running mean', t.runningMean === undefined ? undefined : formatNumber(t.runningMean)],
    ['queue mean', t.waitingMean === undefined ? undefined : formatNumber(t.waitingMean)],
    ['queue peak', t.waitingPeak === undefined ? undefined : formatNumber(t.waitingPeak)],
    ['preemptions', t.preemptions === undefined ? undefined : formatNumber(t.preemptions)],
    ['prefix hits', t.prefixCacheHitRate === undefined ? undefined : pct(t.prefixCacheHitRate)],
    ['spec accept', t.specDecodeAcceptanceRate === undefined ? undefined : pct(t.specDecodeAcceptanceRate)],
  ]
  return cells.filter((c): c is [string, string] => c[1] !== undefined)
}

/** One line: "server: KV use peak 2.2 %, …" or why there is nothing. */
export function telemetryLine(r: BenchResult): string | undefined {
  const t = r.serverTelemetry
  if (!t) return undefined
  const cells = telemetryCells(t)
  const how = `${t.sources} page${t.sources === 1 ? '' : 's'}, ${t.samples} sample${t.samples === 1 ? '' : 's'}${r.target.kind === 'simulated' ? ', simulated' : ''}`
  if (cells.length === 0) return `server (vLLM /metrics): not available — ${t.unavailable.join('; ') || 'no vLLM figures on the pages'}`
  const missing = t.unavailable.length ? `; not available: ${t.unavailable.join('; ')}` : ''
  return `server (vLLM /metrics, ${how}): ${cells.map(([k, v]) => `${k} ${v}`).join(', ')}${namesNote(t)}${missing}`
}

/** Which older vLLM spellings the pages used ("; older vLLM names: vllm:gpu_cache_usage_perc"), or nothing. */
export function namesNote(t: ServerTelemetry): string {
  const older = olderNamesFound(t.metricNames)
  return older.length ? `; older vLLM names: ${older.map(([, name]) => name).join(', ')}` : ''
}

/**
 * JUnit testcase properties of the server's view (units in the names, `simulated_` first on a
 * simulator, like the metric properties); figures the pages lacked are left out, and
 * `server_unavailable` says why.
 */
export function telemetryProperties(r: BenchResult): Array<[string, string]> {
  const t = r.serverTelemetry
  if (!t) return []
  const sim = r.target.kind === 'simulated' ? 'simulated_' : ''
  const figures: Array<[string, number | undefined]> = [
    ['server_kv_cache_usage_peak_ratio', t.kvCacheUsagePeak],
    ['server_kv_cache_usage_mean_ratio', t.kvCacheUsageMean],
    ['server_running_mean_requests', t.runningMean],
    ['server_waiting_mean_requests', t.waitingMean],
    ['server_waiting_peak_requests', t.waitingPeak],
    ['server_preemptions', t.preemptions],
    ['server_prefix_cache_hit_ratio', t.prefixCacheHitRate],
    ['server_spec_decode_acceptance_ratio', t.specDecodeAcceptanceRate],
  ]
  const out: Array<[string, string]> = figures.flatMap(([name, value]) => (value === undefined ? [] : [[`${sim}${name}`, formatNumber(value)] as [string, string]]))
  const names = Object.entries(t.metricNames)
  if (names.length) out.push(['server_metric_names', names.map(([figure, name]) => `${figure}=${name}`).join(' ')])
  if (t.unavailable.length) out.push(['server_unavailable', t.unavailable.join('; ')])
  return out
}
