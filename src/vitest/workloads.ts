/** A suite's workloads: a compressa-perf YAML file (relative to the suite file) or inline objects. */
import { readFileSync } from 'node:fs'
import { dirname, isAbsolute, resolve } from 'node:path'
import { MlnodeBenchError } from '../errors.js'
import { parseCompressaConfig, validateWorkload } from '../load/index.js'
import type { WorkloadSpec } from '../load/types.js'

export function loadSuiteWorkloads(workloads: string | readonly WorkloadSpec[], suiteFile: string, field: string): WorkloadSpec[] {
  let specs: WorkloadSpec[]
  if (typeof workloads === 'string') {
    const path = isAbsolute(workloads) ? workloads : resolve(dirname(suiteFile), workloads)
    let text: string
    try {
      text = readFileSync(path, 'utf8')
    } catch (error) {
      throw new MlnodeBenchError('MLNB_CONFIG', `${suiteFile}: field "${field}" names ${JSON.stringify(workloads)}, which cannot be read: ${(error as Error).message}`, { cause: error })
    }
    specs = parseCompressaConfig(text, path)
  } else {
    specs = workloads.map((w) => ({ ...w, source: w.source ?? `${suiteFile} ${field}` }))
    for (const spec of specs) validateWorkload(spec)
  }
  const seen = new Set<string>()
  for (const spec of specs) {
    if (seen.has(spec.name)) throw new MlnodeBenchError('MLNB_CONFIG', `${suiteFile}: field "${field}" has two workloads named ${JSON.stringify(spec.name)}; names key the results`)
    seen.add(spec.name)
  }
  if (specs.length === 0) throw new MlnodeBenchError('MLNB_CONFIG', `${suiteFile}: field "${field}" has no workloads`)
  return specs
}
