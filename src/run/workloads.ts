/** A suite's workloads: a compressa-perf YAML file (relative to the suite file) or inline objects. */
import { readFileSync } from 'node:fs'
import { dirname, isAbsolute, resolve } from 'node:path'
import { isMlnodeBenchError, MlnodeBenchError } from '../errors.js'
import { parseCompressaConfig, validateWorkload } from '../load/index.js'
import type { PocWorkloadSpec, SweepWorkloadSpec, WorkloadSpec } from '../contracts/workload.js'
import { isPocWorkload, pocWorkloadSpec } from '../poc/workload.js'
import { checkWorkloadBounds } from './workload-bounds.js'

/** A workload as a suite may write it: a load, a sweep of loads (docs/metrics.md), or a PoC run (docs/poc.md). */
export type SuiteWorkload = WorkloadSpec | PocWorkloadSpec | SweepWorkloadSpec

/**
 * Loads and validates one workloads field of a suite.
 * @throws MlnodeBenchError MLNB_CONFIG naming the suite file, the field and its value.
 */
export function loadSuiteWorkloads(workloads: string | readonly SuiteWorkload[], suiteFile: string, field: string): WorkloadSpec[] {
  let specs: WorkloadSpec[]
  if (typeof workloads === 'string') {
    const path = isAbsolute(workloads) ? workloads : resolve(dirname(suiteFile), workloads)
    let text: string
    try {
      text = readFileSync(path, 'utf8')
    } catch (error) {
      throw new MlnodeBenchError('MLNB_CONFIG', `${suiteFile}: field "${field}" names ${JSON.stringify(workloads)}, which cannot be read: ${(error as Error).message}`, { cause: error })
    }
    try {
      specs = parseCompressaConfig(text, path)
    } catch (error) {
      // The YAML error names the YAML file and key; say which suite field pointed there.
      throw new MlnodeBenchError('MLNB_CONFIG', `${suiteFile}: field "${field}" = ${JSON.stringify(workloads)}: ${(error as Error).message}`, {
        cause: error,
        details: { file: suiteFile, field, value: workloads },
      })
    }
  } else {
    specs = workloads.map((w) => {
      const sourced = { ...w, source: w.source ?? `${suiteFile} ${field}` }
      return isPocWorkload(sourced) ? pocWorkloadSpec(sourced as PocWorkloadSpec) : (sourced as WorkloadSpec)
    })
    for (const spec of specs) validateWorkload(spec)
  }
  for (const spec of specs) checkWorkloadBounds(spec, `${suiteFile}: field "${field}"`)
  const seen = new Set<string>()
  for (const spec of specs) {
    if (seen.has(spec.name)) throw new MlnodeBenchError('MLNB_CONFIG', `${suiteFile}: field "${field}" has two workloads named ${JSON.stringify(spec.name)}; names key the results`)
    seen.add(spec.name)
  }
  if (specs.length === 0) throw new MlnodeBenchError('MLNB_CONFIG', `${suiteFile}: field "${field}" has no workloads`)
  return specs
}

/**
 * Loads and validates BOTH `workloads` and `simulatorWorkloads`, whichever the target uses: a
 * broken production profile must fail on the simulator run in CI, not first on the GPU box.
 * @returns the workloads of the target (`simulated` picks `simulatorWorkloads`).
 * @throws MlnodeBenchError MLNB_CONFIG listing the problem of each broken field.
 */
export function loadTargetWorkloads(
  fields: { workloads: string | readonly SuiteWorkload[]; simulatorWorkloads?: string | readonly SuiteWorkload[] | undefined },
  suiteFile: string,
  simulated: boolean,
): WorkloadSpec[] {
  const problems: MlnodeBenchError[] = []
  const load = (value: string | readonly SuiteWorkload[], field: string): WorkloadSpec[] | undefined => {
    try {
      return loadSuiteWorkloads(value, suiteFile, field)
    } catch (error) {
      problems.push(isMlnodeBenchError(error) ? error : new MlnodeBenchError('MLNB_CONFIG', `${suiteFile}: field "${field}": ${String(error)}`, { cause: error }))
      return undefined
    }
  }
  const production = load(fields.workloads, 'workloads')
  const simulator = fields.simulatorWorkloads === undefined ? production : load(fields.simulatorWorkloads, 'simulatorWorkloads')
  if (problems.length === 1) throw problems[0]!
  if (problems.length > 1) {
    throw new MlnodeBenchError('MLNB_CONFIG', `${suiteFile}: ${problems.length} broken workload fields:\n  - ${problems.map((p) => p.message).join('\n  - ')}`, {
      details: { file: suiteFile, problems: problems.map((p) => p.message) },
    })
  }
  return (simulated ? simulator : production)!
}
