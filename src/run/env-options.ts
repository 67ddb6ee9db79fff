/**
 * The environment variables that switch behaviour, parsed strictly: a value the tool would not
 * act on (`MLNODE_BENCH_UPDATE_BASELINE=yes`, `MLNODE_BENCH_PROGRESS_S=abc`) is an MLNB_CONFIG
 * error naming the variable and its value, instead of being read as "unset".
 */
import { MlnodeBenchError } from '../errors.js'

/** On/off switches: `1` on, `0` or empty/unset off. */
export const FLAG_ENV = ['MLNODE_BENCH_UPDATE_BASELINE', 'MLNODE_BENCH_ALLOW_WATCH', 'MLNODE_BENCH_REDEPLOY_REPEATS'] as const
/** Whole counts ≥ 1. */
export const COUNT_ENV = ['MLNODE_BENCH_REPEATS'] as const
/** Durations in seconds ≥ 0. */
export const SECONDS_ENV = ['MLNODE_BENCH_PROGRESS_S'] as const

function bad(name: string, value: string, expected: string): MlnodeBenchError {
  return new MlnodeBenchError('MLNB_CONFIG', `environment variable ${name}=${JSON.stringify(value)}: expected ${expected}`, {
    details: { variable: name, value },
  })
}

/** @throws MlnodeBenchError MLNB_CONFIG when the value is neither 1 nor 0 (nor empty). */
export function envFlag(name: (typeof FLAG_ENV)[number], env: NodeJS.ProcessEnv = process.env): boolean {
  const value = env[name]
  if (value === undefined || value.trim() === '' || value.trim() === '0') return false
  if (value.trim() === '1') return true
  throw bad(name, value, '1 (on) or 0 / unset (off)')
}

/** @throws MlnodeBenchError MLNB_CONFIG when the value is not a finite number ≥ 0. */
export function envSeconds(name: (typeof SECONDS_ENV)[number], fallback: number, env: NodeJS.ProcessEnv = process.env): number {
  const value = env[name]
  if (value === undefined || value.trim() === '') return fallback
  const seconds = Number(value)
  if (!Number.isFinite(seconds) || seconds < 0) throw bad(name, value, 'a number of seconds ≥ 0 (0 turns it off)')
  return seconds
}

/** @returns undefined when unset or empty. @throws MlnodeBenchError MLNB_CONFIG when not a whole number ≥ 1. */
export function envCount(name: (typeof COUNT_ENV)[number], env: NodeJS.ProcessEnv = process.env): number | undefined {
  const value = env[name]
  if (value === undefined || value.trim() === '') return undefined
  const n = Number(value)
  if (!Number.isInteger(n) || n < 1) throw bad(name, value, 'a whole number ≥ 1')
  return n
}

/** Checks every variable above at once, before a run starts. @throws the first bad one. */
export function checkRunEnv(env: NodeJS.ProcessEnv = process.env): void {
  for (const name of FLAG_ENV) envFlag(name, env)
  for (const name of SECONDS_ENV) envSeconds(name, 0, env)
  for (const name of COUNT_ENV) envCount(name, env)
}
