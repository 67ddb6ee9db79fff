/** The HTML report's GPU chart: each variant's mean GPU utilisation per pipeline stage (gpuTelemetry). */
import type { BenchResult } from '../contracts/results.js'
import { axis, baseOptions, categoryAxis, colour, seriesLabel, simulationOf, wrapLabel, type ChartSpec } from './chart-spec.js'

interface View {
  variant: string
  result: BenchResult
  simulated: boolean
}

/** Stage s of each variant (mean over its replicas), one bar series per stage; undefined when no variant has GPU figures. */
export function gpuStageChart(id: string, scope: string, views: readonly View[]): ChartSpec | undefined {
  const shown = views.filter((v) => (v.result.gpuTelemetry?.stages.length ?? 0) > 0)
  if (shown.length === 0) return undefined
  const sim = simulationOf(shown.map((v) => v.simulated))
  const stages = Math.max(...shown.map((v) => Math.max(...v.result.gpuTelemetry!.stages.map((s) => s.stage)) + 1))
  const title = `${scope}: GPU utilisation per pipeline stage (MLNode /api/v1/gpu/devices)`
  const stageMean = (v: View, stage: number): number | null => {
    const u = v.result.gpuTelemetry!.stages.filter((s) => s.stage === stage).map((s) => s.utilizationMean)
    return u.length ? Math.round((u.reduce((a, b) => a + b, 0) / u.length) * 10) / 10 : null
  }
  return {
    id,
    kind: 'gpu-stages',
    title,
    simulated: sim !== 'none',
    caption:
      "Mean utilisation of each variant's GPUs while the workload ran, per pipeline stage (averaged over replicas), as MLNode's GPU route reports NVML's. Stages well below 100 % under load while others are busy are a pipeline bubble. On the simulator the figures are its engines' busy shares.",
    config: {
      type: 'bar',
      data: {
        labels: shown.map((v) => wrapLabel(seriesLabel(v.variant, v.simulated, sim))),
        datasets: Array.from({ length: stages }, (_, s) => ({ type: 'bar', label: stages === 1 ? 'GPU utilisation %' : `stage ${s} %`, data: shown.map((v) => stageMean(v, s)), backgroundColor: colour(s, 0.7) })),
      },
      options: baseOptions(title, sim, { x: categoryAxis('variant'), y: axis('GPU utilisation, %', { min: 0, max: 100 }) }),
    },
  }
}
