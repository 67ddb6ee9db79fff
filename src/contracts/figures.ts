/**
 * The metric registry: every figure an output shows (console table, summary.md, JUnit properties,
 * `predict`, calibration points), named once: its key (snake case ending in the unit, as in
 * `predict --json` and JUnit properties), column title, label, unit, direction, and the
 * compressa-perf metric that measures the same thing by its own formula (docs/metrics.md).
 * The baseline gate's judged metrics are in src/report/metric-defs.ts and reuse these labels.
 */
import type { DistributionSummary, WorkloadMetrics } from './records.js'

export type Better = 'lower' | 'higher'

export interface FigureDef {
  /** Stable key: `ttft_mean_ms`, `output_tokens_per_s`… */
  key: string
  /** What it is, without unit: "TTFT mean". */
  label: string
  unit: string
  /** Column title: label and unit, short ("TTFT mean ms", "out tok/s"). */
  title: string
  better: Better
  /** compressa-perf's name for the same measurement, where it has one. */
  compressa?: string
  value(m: WorkloadMetrics): number | undefined
}

type Latency = 'ttftMs' | 'tpotMs' | 'itlMs' | 'e2elMs'
type Stat = 'mean' | 'p50' | 'p90' | 'p99'

const LATENCIES: ReadonlyArray<{ id: Latency; name: string; compressa?: Partial<Record<Stat, string>> }> = [
  { id: 'ttftMs', name: 'TTFT', compressa: { mean: 'TTFT' } },
  { id: 'tpotMs', name: 'TPOT', compressa: { mean: 'TPOT' } },
  { id: 'itlMs', name: 'ITL' },
  { id: 'e2elMs', name: 'E2EL', compressa: { mean: 'LATENCY' } },
]
const STATS: ReadonlyArray<{ stat: Stat; of: (d: DistributionSummary) => number }> = [
  { stat: 'mean', of: (d) => d.meanMs },
  { stat: 'p50', of: (d) => d.medianMs },
  { stat: 'p90', of: (d) => d.p90Ms },
  { stat: 'p99', of: (d) => d.p99Ms },
]

function latencyFigures(): FigureDef[] {
  return LATENCIES.flatMap(({ id, name, compressa }) =>
    STATS.map(({ stat, of }) => {
      const c = compressa?.[stat]
      return {
        key: `${name.toLowerCase()}_${stat}_ms`,
        label: `${name} ${stat}`,
        unit: 'ms',
        title: `${name} ${stat} ms`,
        better: 'lower' as const,
        ...(c ? { compressa: c } : {}),
        // An empty distribution (every request failed) has no figure.
        value: (m: WorkloadMetrics) => (m[id].count > 0 ? of(m[id]) : undefined),
      }
    }),
  )
}

/** Every figure, in display order. */
export const FIGURES: readonly FigureDef[] = [
  ...latencyFigures(),
  { key: 'request_per_s', label: 'Request throughput', unit: 'req/s', title: 'req/s', better: 'higher', compressa: 'RPS', value: (m) => m.requestsPerS },
  { key: 'input_tokens_per_s', label: 'Input throughput', unit: 'tok/s', title: 'in tok/s', better: 'higher', compressa: 'THROUGHPUT_INPUT_TOKENS', value: (m) => m.inputTokensPerS },
  { key: 'output_tokens_per_s', label: 'Output throughput', unit: 'tok/s', title: 'out tok/s', better: 'higher', compressa: 'THROUGHPUT_OUTPUT_TOKENS', value: (m) => m.outputTokensPerS },
  { key: 'total_tokens_per_s', label: 'Total throughput', unit: 'tok/s', title: 'total tok/s', better: 'higher', value: (m) => m.totalTokensPerS },
  { key: 'goodput_req_per_s', label: 'Goodput', unit: 'req/s', title: 'goodput req/s', better: 'higher', value: (m) => m.goodputRequestsPerS },
  { key: 'requests_failed', label: 'Failed requests', unit: 'req', title: 'failed', better: 'lower', compressa: 'FAILED_REQUESTS', value: (m) => m.requests.failed },
]

/** The figure with this key. @throws Error on an unknown key (a programming error). */
export function figure(key: string): FigureDef {
  const def = FIGURES.find((f) => f.key === key)
  if (!def) throw new Error(`unknown figure ${key}`)
  return def
}

/** True when `key` names a figure (for validating user input: calibration points, CLI options). */
export function isFigureKey(key: string): boolean {
  return FIGURES.some((f) => f.key === key)
}
