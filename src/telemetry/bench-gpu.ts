/**
 * GPU telemetry of one bench, as a run starts it: MLNode's GPU route where the target has one,
 * the suite's power command where it measures real GPUs. On a simulator the route answers from
 * the simulated engines; power is never read there (a command would read this machine's GPUs,
 * not the simulated ones, and the simulator has no power model).
 */
import type { Layout, TargetInfo } from '../contracts/results.js'
import { startGpuTelemetry, type GpuTelemetryRecorder } from './gpu-sampler.js'

export interface BenchGpuInput {
  target: TargetInfo
  /** MLNode's management root; none on a plain OpenAI target. */
  mgmtUrl?: string
  headers?: Record<string, string>
  powerCommand?: readonly string[]
  intervalS: number
  layout?: Layout
}

export function startBenchGpuTelemetry(input: BenchGpuInput): GpuTelemetryRecorder {
  const unavailable: string[] = []
  if (!input.mgmtUrl) unavailable.push('GPU devices: this target has no MLNode management API (/api/v1/gpu/devices)')
  const simulated = input.target.kind === 'simulated'
  if (simulated) unavailable.push('power: not measured on the simulator (it has no power model); set powerCommand and run against a real MLNode')
  else if (!input.powerCommand?.length) unavailable.push("power: no powerCommand set (suite option, e.g. ['nvidia-smi', '--query-gpu=index,power.draw', '--format=csv'])")
  return startGpuTelemetry({
    ...(input.mgmtUrl ? { mgmtUrl: input.mgmtUrl } : {}),
    ...(input.headers ? { headers: input.headers } : {}),
    ...(!simulated && input.powerCommand?.length ? { powerCommand: input.powerCommand } : {}),
    intervalS: input.intervalS,
    ...(input.layout ? { layout: { tp: input.layout.tp, pp: input.layout.pp, instances: input.layout.instances } } : {}),
    unavailable,
  })
}
