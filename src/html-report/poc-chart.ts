/** The HTML report's chart of a PoC workload: nonces/min per variant, latest run of each (docs/poc.md). */
import type { BenchResult } from '../contracts/results.js'
import { axis, baseOptions, colour, seriesLabel, simulationOf, type ChartSpec } from './chart-spec.js'

export function pocChart(id: string, scope: string, results: readonly BenchResult[]): ChartSpec | undefined {
  const rows = results.filter((r) => r.poc !== undefined)
  if (rows.length === 0) return undefined
  const sim = simulationOf(rows.map((r) => r.target.kind === 'simulated'))
  const title = `${scope}: PoC nonces/min by variant`
  return {
    id,
    kind: 'poc',
    title,
    simulated: sim !== 'none',
    caption: 'PoC v2 artifacts per minute of generation over all backends (and per GPU), from init/generate to the last callback counted; latest run of each variant (docs/poc.md).',
    config: {
      type: 'bar',
      data: {
        labels: rows.map((r) => seriesLabel(r.variant, r.target.kind === 'simulated', sim)),
        datasets: [
          { label: 'nonces/min', data: rows.map((r) => r.poc!.noncesPerMin), backgroundColor: colour(2, 0.7) },
          { label: 'nonces/min per GPU', data: rows.map((r) => r.poc!.noncesPerMinPerGpu), backgroundColor: colour(3, 0.7) },
        ],
      },
      options: baseOptions(title, sim, { x: axis('variant'), y: axis('nonces per minute', { beginAtZero: true }) }),
    },
  }
}
