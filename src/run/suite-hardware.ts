/**
 * The suite's `hardware` option: a catalog profile id, or the path of a hardware file (relative
 * to the suite file; docs/hardware.md). A file is read and checked at collection, so a bad one
 * fails before anything deploys. Against a real MLNode the file (or MLNODE_BENCH_HARDWARE,
 * relative to where vitest runs) describes the node's GPUs when the catalog does not know them.
 */
import { dirname, resolve } from 'node:path'
import { getHardwareProfile, isHardwareFilePath } from '../model/index.js'

/** The option with a file path made absolute (the simulator fleet runs in another process). */
export function resolveSuiteHardware(value: string, suiteFile: string): string {
  if (!isHardwareFilePath(value)) return value
  const path = resolve(dirname(suiteFile), value.trim())
  getHardwareProfile(path)
  return path
}

/**
 * The hardware file a real MLNode's GPUs are matched against: the suite's, else
 * MLNODE_BENCH_HARDWARE's; undefined when neither names a file (the catalog decides).
 */
export function deviceHardwareFile(resolvedHardware: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (isHardwareFilePath(resolvedHardware)) return resolvedHardware
  const named = env.MLNODE_BENCH_HARDWARE?.trim()
  if (named === undefined || named === '') return undefined
  const path = resolve(named)
  getHardwareProfile(path)
  return path
}
