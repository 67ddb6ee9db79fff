/**
 * What an MLNode's /health says about the target: its GPUs, and whether it is the simulator
 * (src/sim describes itself there, with its clock and speed).
 */
import { MlnodeBenchError, redact } from '../errors.js'
import type { TargetInfo } from '../contracts/results.js'
import type { HealthResponse } from '../mlnode/index.js'
import type { TargetDescription } from './target.js'

/** The simulator's self-description in /health (src/sim), absent on a real MLNode. */
interface SimulatorInfo {
  speed?: number
  hardware?: string
  simulatedTime?: boolean
  noiseCv?: number
  runNoise?: number
  seed?: number
  nowS?: number
}

export function simulatorInfoOf(field: unknown): SimulatorInfo | undefined {
  if (typeof field !== 'object' || field === null) return undefined
  const f = field as Record<string, unknown>
  const out: SimulatorInfo = {}
  for (const k of ['speed', 'noiseCv', 'runNoise', 'seed', 'nowS'] as const) if (typeof f[k] === 'number') out[k] = f[k] as number
  if (typeof f.hardware === 'string') out.hardware = f.hardware
  if (f.simulatedTime === true) out.simulatedTime = true
  return out
}

/** A target's description from its /health, with what the target keeps of it. */
export interface DescribedHealth {
  description: TargetDescription
  /** GPU names /health listed, one per GPU (for the result's environment). */
  gpuNames: string[]
  /** The simulator's hardware profile id, when the target is one. */
  simulatorHardware?: string
  /** A real MLNode's GPUs, to match to a box per request. */
  devices?: { names: string[]; gpuCount: number }
}

/**
 * @throws MlnodeBenchError MLNB_CONFIG for a simulator on a wall clock at another speed than 1.
 */
export function describeHealth(health: HealthResponse, mgmtUrl: string): DescribedHealth {
  const devices = health.gpu?.devices ?? []
  const gpuCount = health.gpu?.count ?? devices.length
  const names = [...new Set(devices.map((d) => d.name))]
  const gpuNames = devices.map((d) => d.name)
  const hardware = `${gpuCount}x ${names.join(' + ') || 'unknown GPU'}`
  const sim = simulatorInfoOf(health.simulator)
  const url = redact(mgmtUrl)
  if (sim && !sim.simulatedTime && sim.speed !== undefined && sim.speed !== 1) {
    // Its times are K times too short and the client's stamps cannot be mapped back exactly.
    throw new MlnodeBenchError('MLNB_CONFIG', `the simulator at ${url} runs on a wall clock at x${sim.speed} speed: benchmark it on simulated time (mlnode-bench sim without --speed) or at --speed 1`)
  }
  const info: TargetInfo = sim
    ? {
        kind: 'simulated',
        hardware: sim.hardware ?? hardware,
        ...(sim.simulatedTime ? { simulatedTime: true } : {}),
        ...(sim.noiseCv ? { noiseCv: sim.noiseCv } : {}),
        ...(sim.runNoise ? { runNoise: sim.runNoise } : {}),
        ...(sim.seed !== undefined ? { seed: sim.seed } : {}),
        url,
      }
    : { kind: 'mlnode', hardware, url }
  const description = { info, gpuCount }
  if (sim?.hardware !== undefined) return { description, gpuNames, simulatorHardware: sim.hardware }
  return { description, gpuNames, devices: { names: gpuNames, gpuCount } }
}
