/**
 * The embedded simulator (the default, `MLNODE_BENCH_TARGET=sim`): globalSetup starts a fleet of
 * simulated MLNodes on simulated time (sim-fleet.ts), one per hardware profile a suite asks for.
 */
import { resolve } from 'node:path'
import { MlnodeBenchError } from '../../errors.js'
import { slowdownFromEnv } from '../../sim/index.js'
import { startSimFleet, type SimFleetOptions } from '../sim-fleet.js'
import { SimulatorTarget } from '../sim-target.js'
import type { TargetKind } from './kind.js'

export interface SimChoice {
  kind: 'simulated'
  fleet: Required<Omit<SimFleetOptions, 'logFile'>>
  logFile: string
  banner: string
}

export interface SimConfig {
  kind: 'simulated'
  /** Control endpoint of the simulator fleet: POST /simulators {hardware} → SimulatorEndpoints. */
  fleetUrl: string
}

function envNumber(name: string, text: string | undefined, fallback: number, check: (v: number) => boolean, what: string): number {
  if (text === undefined || text === '') return fallback
  const value = Number(text)
  if (!Number.isFinite(value) || !check(value)) {
    throw new MlnodeBenchError('MLNB_CONFIG', `environment variable ${name}=${JSON.stringify(text)} must be ${what}`, { details: { env: name, value: text } })
  }
  return value
}

export const simTargetKind: TargetKind<SimChoice, SimConfig> = {
  name: 'sim',
  kind: 'simulated',
  summary: 'the embedded simulator of MLNode + vLLM on simulated time (all numbers simulated)',
  fallback: true,
  simulated: true,
  resultKind: 'simulated',
  matchesGpus: false,
  environment: [
    { name: 'MLNODE_SIM_SEED', default: '0', readers: ['src/run/targets/sim.ts'], effect: "the embedded simulator's seed (output lengths, words, noise)" },
    { name: 'MLNODE_SIM_NOISE_CV', default: '0', readers: ['src/run/targets/sim.ts'], effect: 'seeded noise on every simulated engine step, coefficient of variation in [0, 1)' },
    { name: 'MLNODE_SIM_RUN_NOISE', default: '0', readers: ['src/run/targets/sim.ts'], effect: 'run-level noise: seeded log-normal factors per GPU and per replica drawn at each deploy, coefficient of variation in [0, 1) (docs/gate.md)' },
    { name: 'MLNODE_SIM_SLOWDOWN', default: '1', readers: ['src/sim/options.ts'], effect: 'make the simulator slower by this factor (testing the gate)' },
    { name: 'MLNODE_SIM_LOG', default: '`.mlnode-bench/simulator.log`', readers: ['src/run/targets/sim.ts'], effect: "where the simulator writes MLNode's log" },
    { name: 'MLNODE_SIM_SPEED', default: 'unset', readers: ['src/run/targets/sim.ts'], effect: 'retired (the simulator runs on simulated time): set, it is an error' },
  ],
  select(env) {
    if (env.MLNODE_SIM_SPEED) {
      throw new MlnodeBenchError('MLNB_CONFIG', `environment variable MLNODE_SIM_SPEED=${JSON.stringify(env.MLNODE_SIM_SPEED)} is no longer used: the embedded simulator runs on simulated time, as fast as the machine allows, with the same numbers on every run. Unset it.`, { details: { env: 'MLNODE_SIM_SPEED' } })
    }
    const slowdown = slowdownFromEnv(env)
    const noiseCv = envNumber('MLNODE_SIM_NOISE_CV', env.MLNODE_SIM_NOISE_CV, 0, (v) => v >= 0 && v < 1, 'a number in [0, 1)')
    const runNoise = envNumber('MLNODE_SIM_RUN_NOISE', env.MLNODE_SIM_RUN_NOISE, 0, (v) => v >= 0 && v < 1, 'a number in [0, 1) (coefficient of variation of the per-run GPU and replica factors)')
    const seed = envNumber('MLNODE_SIM_SEED', env.MLNODE_SIM_SEED, 0, (v) => Number.isInteger(v) && v >= 0, 'an integer >= 0')
    const extras = [slowdown !== 1 ? `slowdown x${slowdown}` : '', noiseCv > 0 ? `step noise ${noiseCv}` : '', runNoise > 0 ? `run noise ${runNoise}` : '', seed !== 0 ? `seed ${seed}` : ''].filter(Boolean)
    return {
      kind: 'simulated',
      fleet: { slowdown, noiseCv, runNoise, seed },
      logFile: env.MLNODE_SIM_LOG || '.mlnode-bench/simulator.log',
      banner: `mlnode-bench: MLNODE_URL not set: target is the EMBEDDED SIMULATOR on simulated time${extras.length ? ` (${extras.join(', ')})` : ''}; all numbers are simulated`,
    }
  },
  async setUp(choice, run) {
    // Calibrations (MLNODE_BENCH_CALIBRATION or a suite's option) are read and checked by each suite at collection.
    const fleet = await startSimFleet({ ...choice.fleet, logFile: resolve(run.root, choice.logFile) })
    return { config: { kind: 'simulated', fleetUrl: fleet.url }, teardown: () => fleet.close() }
  },
  create(config, suite) {
    return new SimulatorTarget(config.fleetUrl, suite.hardware, suite.events)
  },
}
