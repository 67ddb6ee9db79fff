/** The GPUs' view of a workload (GpuTelemetry) in words, for the console, summary.md, JUnit and the HTML report. */
import type { BenchResult, GpuTelemetry } from '../contracts/results.js'
import { formatNumber } from './format.js'

const pct = (x: number) => `${formatNumber(x)} %`

/** Mean utilisation over the variant's GPUs. */
function utilizationMean(t: GpuTelemetry): number | undefined {
  const u = t.gpus.flatMap((g) => g.utilizationMean ?? [])
  return u.length ? u.reduce((a, b) => a + b, 0) / u.length : undefined
}

/** "r0: 46 % | 49 %" per replica (stages in order), or one figure per replica without PP. */
export function stagesText(t: GpuTelemetry): string | undefined {
  if (t.stages.length === 0) return undefined
  const replicas = [...new Set(t.stages.map((s) => s.replica))]
  return replicas.map((r) => `r${r}: ${t.stages.filter((s) => s.replica === r).map((s) => pct(s.utilizationMean)).join(' | ')}`).join(', ')
}

/** Label → text, in reading order; figures not measured are left out. */
export function gpuCells(t: GpuTelemetry): Array<[string, string]> {
  const mean = utilizationMean(t)
  const cells: Array<[string, string | undefined]> = [
    ['GPU util', mean === undefined ? undefined : pct(mean)],
    ['util per stage', t.stages.some((s) => s.stage > 0) ? stagesText(t) : undefined],
    ['memory headroom', t.memoryHeadroomMb === undefined ? undefined : `${formatNumber(t.memoryHeadroomMb)} MiB`],
    ['power', t.powerMeanW === undefined ? undefined : `${formatNumber(t.powerMeanW)} W`],
    ['output tokens/J', t.outputTokensPerJoule === undefined ? undefined : formatNumber(t.outputTokensPerJoule)],
  ]
  return cells.filter((c): c is [string, string] => c[1] !== undefined)
}

/** One line: "gpus (…): GPU util 47 %, util per stage r0: 46 % | 49 %, …; not available: …", or undefined without GPU telemetry. */
export function gpuLine(r: BenchResult): string | undefined {
  const t = r.gpuTelemetry
  if (!t) return undefined
  const cells = gpuCells(t)
  const missing = t.unavailable.length ? `not available: ${t.unavailable.join('; ')}` : ''
  if (cells.length === 0) return `gpus: ${missing || 'nothing sampled'}`
  const how = `${t.sources.join(' + ')}, ${t.samples} sample${t.samples === 1 ? '' : 's'}${r.target.kind === 'simulated' ? ', simulated' : ''}`
  return `gpus (${how}): ${cells.map(([k, v]) => `${k} ${v}`).join(', ')}${missing ? `; ${missing}` : ''}`
}

/** JUnit testcase properties (units in the names, `simulated_` first on a simulator). */
export function gpuProperties(r: BenchResult): Array<[string, string]> {
  const t = r.gpuTelemetry
  if (!t) return []
  const sim = r.target.kind === 'simulated' ? 'simulated_' : ''
  const mean = utilizationMean(t)
  const figures: Array<[string, number | undefined]> = [
    ['gpu_utilization_mean_percent', mean],
    ['gpu_memory_headroom_mib', t.memoryHeadroomMb],
    ['gpu_power_mean_w', t.powerMeanW],
    ['gpu_energy_j', t.energyJ],
    ['gpu_output_tokens_per_j', t.outputTokensPerJoule],
  ]
  const out: Array<[string, string]> = figures.flatMap(([name, value]) => (value === undefined ? [] : [[`${sim}${name}`, formatNumber(value)] as [string, string]]))
  for (const s of t.stages) out.push([`${sim}gpu_utilization_replica${s.replica}_stage${s.stage}_percent`, formatNumber(s.utilizationMean)])
  if (t.unavailable.length) out.push(['gpu_unavailable', t.unavailable.join('; ')])
  return out
}
