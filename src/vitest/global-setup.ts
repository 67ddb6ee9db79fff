/**
 * vitest globalSetup of mlnode-bench: with MLNODE_URL set, suites deploy to that MLNode;
 * otherwise an embedded simulator fleet starts on loopback and results are labelled simulated.
 * Add to vitest.config.ts: `test.globalSetup: ['mlnode-bench/global-setup']`.
 */
import { resolve } from 'node:path'
import type { TestProject } from 'vitest/node'
import { MlnodeBenchError, redact } from '../errors.js'
import { slowdownFromEnv } from '../sim/index.js'
import { startSimFleet } from './sim-fleet.js'
import { watchAllowed } from './watch.js'
import './provided.js'

/** The simulator's default wall-clock speed-up for bench runs (see README "Simulated numbers"). */
export const DEFAULT_SIM_SPEED = 10

function positiveNumber(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined || text === '') return fallback
  const value = Number(text)
  if (!Number.isFinite(value) || value <= 0) {
    throw new MlnodeBenchError('MLNB_CONFIG', `environment variable ${name}=${JSON.stringify(text)} must be a positive number`)
  }
  return value
}

export default async function globalSetup(project: TestProject): Promise<(() => Promise<void>) | void> {
  // One vitest config serves `vitest run` (tests) and `vitest bench`: only benches need a target.
  if (project.vitest.mode !== 'benchmark') return
  const env = process.env
  // Suites refuse a real MLNode in watch mode (each save would redeploy every variant).
  project.provide('mlnodeBenchRunMode', { watch: project.vitest.config.watch, allowWatch: watchAllowed(env) })
  if (env.MLNODE_URL) {
    project.provide('mlnodeBench', { kind: 'mlnode', mgmtUrl: env.MLNODE_URL, ...(env.INFERENCE_URL ? { inferenceUrl: env.INFERENCE_URL } : {}) })
    console.log(`mlnode-bench: target MLNode ${redact(env.MLNODE_URL)}${env.INFERENCE_URL ? `, inference ${redact(env.INFERENCE_URL)}` : ''}`)
    return
  }
  const speed = positiveNumber('MLNODE_SIM_SPEED', env.MLNODE_SIM_SPEED, DEFAULT_SIM_SPEED)
  const slowdown = slowdownFromEnv(env)
  const logFile = resolve(project.config.root, env.MLNODE_SIM_LOG || '.mlnode-bench/simulator.log')
  const fleet = await startSimFleet({ speed, slowdown, logFile })
  project.provide('mlnodeBench', { kind: 'simulated', fleetUrl: fleet.url })
  console.log(
    `mlnode-bench: MLNODE_URL not set: target is the EMBEDDED SIMULATOR (speed x${speed}${slowdown !== 1 ? `, slowdown x${slowdown}` : ''}); all numbers are simulated`,
  )
  return () => fleet.close()
}
