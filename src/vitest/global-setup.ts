/**
 * vitest globalSetup of mlnode-bench: with MLNODE_URL set, suites deploy to that MLNode;
 * otherwise an embedded simulator fleet starts on loopback and results are labelled simulated.
 * Add to vitest.config.ts: `test.globalSetup: ['mlnode-bench/global-setup']`.
 */
import { resolve } from 'node:path'
import type { TestProject } from 'vitest/node'
import { MlnodeBenchError, redact } from '../errors.js'
import { slowdownFromEnv } from '../sim/index.js'
import { downOnInterrupt } from '../run/interrupt.js'
import { startSimFleet } from '../run/sim-fleet.js'
import { watchAllowed } from '../run/watch.js'
import './provided.js'

function envNumber(name: string, text: string | undefined, fallback: number, check: (v: number) => boolean, what: string): number {
  if (text === undefined || text === '') return fallback
  const value = Number(text)
  if (!Number.isFinite(value) || !check(value)) {
    throw new MlnodeBenchError('MLNB_CONFIG', `environment variable ${name}=${JSON.stringify(text)} must be ${what}`, { details: { env: name, value: text } })
  }
  return value
}

export default async function globalSetup(project: TestProject): Promise<(() => Promise<void>) | void> {
  // One vitest config serves `vitest run` (tests) and `vitest bench`: only benches need a target.
  // Vitest 4.1 runs benches in 'benchmark' mode; Vitest 5 in benchmark-enabled projects.
  const benching = project.vitest.mode === 'benchmark' || (project.config as { benchmark?: { enabled?: boolean } }).benchmark?.enabled === true
  if (!benching) return
  const env = process.env
  // Suites refuse a real MLNode in watch mode (each save would redeploy every variant).
  project.provide('mlnodeBenchRunMode', { watch: project.vitest.config.watch, allowWatch: watchAllowed(env) })
  const target = env.MLNODE_BENCH_TARGET || (env.MLNODE_URL ? 'mlnode' : 'sim')
  if (target !== 'mlnode' && target !== 'sim' && target !== 'openai') {
    throw new MlnodeBenchError('MLNB_CONFIG', `environment variable MLNODE_BENCH_TARGET=${JSON.stringify(target)} must be mlnode, sim or openai`, { details: { env: 'MLNODE_BENCH_TARGET', value: target } })
  }
  if (target === 'openai') {
    if (!env.INFERENCE_URL) throw new MlnodeBenchError('MLNB_CONFIG', 'MLNODE_BENCH_TARGET=openai needs INFERENCE_URL, the OpenAI API root of the running server (e.g. http://127.0.0.1:8000 for vllm serve)', { details: { env: 'INFERENCE_URL' } })
    const apiKeyEnv = env.MLNODE_BENCH_API_KEY_ENV || 'OPENAI_API_KEY'
    project.provide('mlnodeBench', { kind: 'openai', inferenceUrl: env.INFERENCE_URL, apiKeyEnv })
    console.log(`mlnode-bench: target OpenAI-compatible server ${redact(env.INFERENCE_URL)} (nothing is deployed; API key from ${apiKeyEnv}${env[apiKeyEnv] ? '' : ', unset'})`)
    return
  }
  if (target === 'mlnode') {
    if (!env.MLNODE_URL) throw new MlnodeBenchError('MLNB_CONFIG', 'MLNODE_BENCH_TARGET=mlnode needs MLNODE_URL, the MLNode management API root', { details: { env: 'MLNODE_URL' } })
    project.provide('mlnodeBench', { kind: 'mlnode', mgmtUrl: env.MLNODE_URL, ...(env.INFERENCE_URL ? { inferenceUrl: env.INFERENCE_URL } : {}) })
    console.log(`mlnode-bench: target MLNode ${redact(env.MLNODE_URL)}${env.INFERENCE_URL ? `, inference ${redact(env.INFERENCE_URL)}` : ''}`)
    // Ctrl-C or a cancelled job must not leave a variant deployed (the suites' own down never runs then).
    // In watch mode without the allowance the suites refuse to deploy: nothing to take down, and
    // the MLNode is not touched at all.
    if (project.vitest.config.watch && !watchAllowed(env)) return
    const remove = downOnInterrupt(env.MLNODE_URL)
    return async () => remove()
  }
  if (env.MLNODE_SIM_SPEED) {
    throw new MlnodeBenchError('MLNB_CONFIG', `environment variable MLNODE_SIM_SPEED=${JSON.stringify(env.MLNODE_SIM_SPEED)} is no longer used: the embedded simulator runs on simulated time, as fast as the machine allows, with the same numbers on every run. Unset it.`, { details: { env: 'MLNODE_SIM_SPEED' } })
  }
  const slowdown = slowdownFromEnv(env)
  const noiseCv = envNumber('MLNODE_SIM_NOISE_CV', env.MLNODE_SIM_NOISE_CV, 0, (v) => v >= 0 && v < 1, 'a number in [0, 1)')
  const seed = envNumber('MLNODE_SIM_SEED', env.MLNODE_SIM_SEED, 0, (v) => Number.isInteger(v) && v >= 0, 'an integer >= 0')
  const logFile = resolve(project.config.root, env.MLNODE_SIM_LOG || '.mlnode-bench/simulator.log')
  const fleet = await startSimFleet({ slowdown, noiseCv, seed, logFile })
  project.provide('mlnodeBench', { kind: 'simulated', fleetUrl: fleet.url })
  const extras = [slowdown !== 1 ? `slowdown x${slowdown}` : '', noiseCv > 0 ? `step noise ${noiseCv}` : '', seed !== 0 ? `seed ${seed}` : ''].filter(Boolean)
  console.log(`mlnode-bench: MLNODE_URL not set: target is the EMBEDDED SIMULATOR on simulated time${extras.length ? ` (${extras.join(', ')})` : ''}; all numbers are simulated`)
  return () => fleet.close()
}
