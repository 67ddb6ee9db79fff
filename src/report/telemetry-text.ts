/** The server's own view of a workload (ServerTelemetry) in words, for the console, summary.md and the HTML report. */
import type { BenchResult, ServerTelemetry } from '../contracts/results.js'
import { formatNumber } from './format.js'

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
  return `server (vLLM /metrics, ${how}): ${cells.map(([k, v]) => `${k} ${v}`).join(', ')}${missing}`
}
