/**
 * The suite's `hardware` option: a catalog profile id, or the path of a hardware file (relative
 * to the suite file; docs/hardware.md). A file is read and checked at collection, so a bad one
 * fails before anything deploys. Against a real MLNode the file (or MLNODE_BENCH_HARDWARE,
 * relative to where vitest runs) describes the node's GPUs when the catalog does not know them.
 */
import { dirname, isAbsolute, relative, resolve } from 'node:path'
import { getHardwareProfile, isHardwareFilePath } from '../model/index.js'

/**
 * A path as results show it: relative to where vitest runs (the simulator fleet and the workers
 * run there too), so results and baselines do not carry one machine's absolute paths; absolute
 * when the file lies outside.
 */
function shown(path: string): string {
  const rel = relative(process.cwd(), path)
  return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? path : rel
}

/** The option with a file path resolved from the suite file (and checked); a catalog id unchanged. */
export function resolveSuiteHardware(value: string, suiteFile: string): string {
  if (!isHardwareFilePath(value)) return value
  const path = resolve(dirname(suiteFile), value.trim())
  getHardwareProfile(path)
  return shown(path)
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
  return shown(path)
}
