/** summary.md's "vLLM start-up vs model" table: one row per variant whose start-up lines were read. */
import type { BenchResult } from '../contracts/results.js'

const esc = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ')
const n = (x: number | undefined, digits = 0) => (x === undefined ? '—' : x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }))
const pair = (measured: number | undefined, predicted: number | undefined, digits = 0) => `${n(measured, digits)} / ${n(predicted, digits)}`

export function startupSection(results: readonly BenchResult[]): string[] {
  const byVariant = new Map<string, BenchResult>()
  for (const r of results) if (r.vllmStartup) byVariant.set(`${r.model} › ${r.variant}`, r)
  if (byVariant.size === 0) return []
  const rows = [...byVariant].map(([key, r]) => {
    const s = r.vllmStartup!
    const p = s.predicted
    const cells = [pair(s.kvCacheTokens, p?.kvCacheTokens), pair(s.maxConcurrency, p?.maxConcurrency, 2), pair(s.availableKvCacheGiB, p?.kvCacheGiBPerGpu, 2), pair(s.modelLoadingGiB, p?.weightsGiBPerGpu, 2), n(s.cudaGraphGiB ?? s.cudaGraphEstimateGiB, 2)]
    return `| ${esc(key)}${r.target.kind === 'simulated' ? ' (simulated)' : ''} | ${cells.join(' | ')} | ${esc(s.unavailable.join('; '))} |`
  })
  return [
    '### vLLM start-up vs model',
    '',
    "What vLLM logged when the variant started (read with the suite's logCommand) / what the performance model predicts for it. KV tokens and concurrency per instance, GiB per GPU.",
    '',
    '| Variant | KV cache tokens | Max concurrency | KV memory GiB | Weights GiB | CUDA graphs GiB | Note |',
    '|---|--:|--:|--:|--:|--:|---|',
    ...rows,
    '',
  ]
}
