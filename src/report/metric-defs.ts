/**
 * The metrics a baseline keeps and a diff judges: identity, unit, direction and default tolerance.
 * Definitions follow vLLM `bench serve` (docs/metrics.md "vLLM bench serve"); names carry their unit.
 */
import { figure } from '../contracts/figures.js'

/** Label and unit from the metric registry (the p50 of a latency: what the gate compares). */
const named = (key: string) => ({ label: figure(key).label, unit: figure(key).unit })

export type { MetricId } from '../contracts/baseline.js'
import type { MetricId } from '../contracts/baseline.js'

/**
 * How a metric is tested for significance:
 * - `distribution`: per-request latencies with an HDR histogram → Mann-Whitney U on the histograms;
 * - `rate`: failed requests out of all → one-sided Fisher exact test on the failure proportion;
 * - `throughput`: one number per run → corroborated by the E2EL distribution (see README-method.md);
 * - `goodput`: good requests out of all → Fisher exact test on the proportion meeting the SLO;
 * - `deploy`: one number per deploy → judged against the run-to-run noise of the baseline's history
 *   (no within-run evidence exists), deterministic on the simulator;
 * - `poc`: one rate per PoC run (nonces/min), judged like `deploy` (docs/poc.md);
 * - `sweep`: one capacity at SLO per sweep, judged like `deploy` (docs/metrics.md "Capacity at SLO").
 */
export type MetricKind = 'distribution' | 'rate' | 'throughput' | 'goodput' | 'deploy' | 'poc' | 'sweep'

export interface MetricDef {
  id: MetricId
  label: string
  unit: string
  kind: MetricKind
  /** `lower` for latencies and failures, `higher` for throughputs and goodput. */
  better: 'lower' | 'higher'
  /**
   * Default tolerance FLOOR: the least relative change of the compared figure (0.03 = 3 %) that can
   * count, whatever the noise; the tolerance itself grows with the baseline's measured run-to-run
   * noise (noise.ts). For `failedRequests` an absolute rise of the failure rate (0.01 = 1 percentage point).
   */
  tolerance: number
}

/** Every judged metric, in display order. */
export const METRIC_DEFS: readonly MetricDef[] = [
  { id: 'ttftMs', ...named('ttft_p50_ms'), kind: 'distribution', better: 'lower', tolerance: 0.03 },
  { id: 'tpotMs', ...named('tpot_p50_ms'), kind: 'distribution', better: 'lower', tolerance: 0.03 },
  { id: 'itlMs', ...named('itl_p50_ms'), kind: 'distribution', better: 'lower', tolerance: 0.03 },
  { id: 'e2elMs', ...named('e2el_p50_ms'), kind: 'distribution', better: 'lower', tolerance: 0.03 },
  { id: 'failedRequests', ...named('requests_failed'), kind: 'rate', better: 'lower', tolerance: 0.01 },
  { id: 'requestsPerS', ...named('request_per_s'), kind: 'throughput', better: 'higher', tolerance: 0.03 },
  { id: 'inputTokensPerS', ...named('input_tokens_per_s'), kind: 'throughput', better: 'higher', tolerance: 0.03 },
  { id: 'outputTokensPerS', ...named('output_tokens_per_s'), kind: 'throughput', better: 'higher', tolerance: 0.03 },
  { id: 'totalTokensPerS', ...named('total_tokens_per_s'), kind: 'throughput', better: 'higher', tolerance: 0.03 },
  { id: 'goodputRequestsPerS', ...named('goodput_req_per_s'), kind: 'goodput', better: 'higher', tolerance: 0.03 },
  // From `up` to ready: what a host pays at every switch between PoC and inference.
  { id: 'deployS', label: 'Deploy time', unit: 's', kind: 'deploy', better: 'lower', tolerance: 0.03 },
  // What a host is paid PoC weight by: artifacts per minute of generation, all backends together.
  { id: 'noncesPerMin', label: 'PoC nonces/min', unit: 'nonces/min', kind: 'poc', better: 'higher', tolerance: 0.03 },
  // The highest load of a sweep that still met the SLO attainment, in the sweep's load unit.
  { id: 'capacityAtSlo', label: 'Capacity at SLO', unit: 'load', kind: 'sweep', better: 'higher', tolerance: 0.03 },
]

/** Lookup by id. */
export function metricDef(id: MetricId): MetricDef {
  const def = METRIC_DEFS.find((d) => d.id === id)
  if (!def) throw new Error(`unknown metric ${id}`)
  return def
}

/** True when `id` names a judged metric (for validating baseline files and CLI options). */
export function isMetricId(id: string): id is MetricId {
  return METRIC_DEFS.some((d) => d.id === id)
}

const DISTRIBUTIONS = ['ttftMs', 'tpotMs', 'itlMs', 'e2elMs'] as const satisfies readonly MetricId[]

/** True for the four latency distributions. */
export function isDistributionId(id: MetricId): id is (typeof DISTRIBUTIONS)[number] {
  return (DISTRIBUTIONS as readonly string[]).includes(id)
}

