/**
 * Which target a run measures, from the environment: MLNODE_BENCH_TARGET=mlnode|sim|openai, else
 * a real MLNode when MLNODE_URL is set and the embedded simulator otherwise. Framework-free: the
 * Vitest globalSetup starts what the choice needs (the simulator fleet, the Ctrl-C handler).
 */
import { MlnodeBenchError, redact } from '../errors.js'
import { slowdownFromEnv } from '../sim/index.js'
import type { SimFleetOptions } from './sim-fleet.js'

export type TargetChoice =
  | { kind: 'mlnode'; mgmtUrl: string; inferenceUrl?: string; banner: string }
  | { kind: 'openai'; inferenceUrl: string; apiKeyEnv: string; banner: string }
  | { kind: 'simulated'; fleet: Required<Omit<SimFleetOptions, 'logFile'>>; logFile: string; banner: string }

function envNumber(name: string, text: string | undefined, fallback: number, check: (v: number) => boolean, what: string): number {
  if (text === undefined || text === '') return fallback
  const value = Number(text)
  if (!Number.isFinite(value) || !check(value)) {
    throw new MlnodeBenchError('MLNB_CONFIG', `environment variable ${name}=${JSON.stringify(text)} must be ${what}`, { details: { env: name, value: text } })
  }
  return value
}

/** @throws MlnodeBenchError MLNB_CONFIG naming the variable and its value. */
export function selectTarget(env: NodeJS.ProcessEnv = process.env): TargetChoice {
  const kind = env.MLNODE_BENCH_TARGET || (env.MLNODE_URL ? 'mlnode' : 'sim')
  if (kind !== 'mlnode' && kind !== 'sim' && kind !== 'openai') {
    throw new MlnodeBenchError('MLNB_CONFIG', `environment variable MLNODE_BENCH_TARGET=${JSON.stringify(kind)} must be mlnode, sim or openai`, { details: { env: 'MLNODE_BENCH_TARGET', value: kind } })
  }
  if (kind === 'openai') {
    if (!env.INFERENCE_URL) throw new MlnodeBenchError('MLNB_CONFIG', 'MLNODE_BENCH_TARGET=openai needs INFERENCE_URL, the OpenAI API root of the running server (e.g. http://127.0.0.1:8000 for vllm serve)', { details: { env: 'INFERENCE_URL' } })
    const apiKeyEnv = env.MLNODE_BENCH_API_KEY_ENV || 'OPENAI_API_KEY'
    return {
      kind: 'openai',
      inferenceUrl: env.INFERENCE_URL,
      apiKeyEnv,
      banner: `mlnode-bench: target OpenAI-compatible server ${redact(env.INFERENCE_URL)} (nothing is deployed; API key from ${apiKeyEnv}${env[apiKeyEnv] ? '' : ', unset'})`,
    }
  }
  if (kind === 'mlnode') {
    if (!env.MLNODE_URL) throw new MlnodeBenchError('MLNB_CONFIG', 'MLNODE_BENCH_TARGET=mlnode needs MLNODE_URL, the MLNode management API root', { details: { env: 'MLNODE_URL' } })
    return {
      kind: 'mlnode',
      mgmtUrl: env.MLNODE_URL,
      ...(env.INFERENCE_URL ? { inferenceUrl: env.INFERENCE_URL } : {}),
      banner: `mlnode-bench: target MLNode ${redact(env.MLNODE_URL)}${env.INFERENCE_URL ? `, inference ${redact(env.INFERENCE_URL)}` : ''}`,
    }
  }
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
}
