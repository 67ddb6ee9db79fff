/** Reads results.json files (RunResults) and merges shards into one. */
import { readFile } from 'node:fs/promises'
import { MlnodeBenchError } from '../errors.js'
import { keyId } from './diff.js'
import type { BenchResult, RunResults } from './model.js'

/**
 * Reads and checks a RunResults file.
 * @throws MlnodeBenchError MLNB_REPORT naming the file and what is wrong.
 */
export async function readRunResults(path: string): Promise<RunResults> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (cause) {
    throw new MlnodeBenchError('MLNB_REPORT', `Results file ${path} cannot be read: ${(cause as Error).message}`, { cause, details: { file: path } })
  }
  return parseRunResults(text, path)
}

/** Parses RunResults text; the checks cover what merge and diff rely on. */
export function parseRunResults(text: string, path: string): RunResults {
  const fail = (what: string): never => {
    throw new MlnodeBenchError('MLNB_REPORT', `Results file ${path} is not a mlnode-bench results file: ${what}`, { details: { file: path } })
  }
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (cause) {
    return fail(`not valid JSON (${(cause as Error).message})`)
  }
  const d = data as Partial<RunResults> | null
  if (typeof d !== 'object' || d === null) return fail('top level is not an object')
  if (d.schemaVersion !== 1) fail(`"schemaVersion" is ${JSON.stringify(d.schemaVersion)}, this tool reads version 1`)
  if (typeof d.provenance?.date !== 'string') fail('"provenance.date" is missing')
  if (!Array.isArray(d.results)) return fail('"results" is not an array')
  d.results.forEach((r: Partial<BenchResult>, i) => {
    for (const field of ['model', 'variant', 'workload'] as const) if (typeof r?.[field] !== 'string') fail(`results[${i}].${field} is not a string`)
    if (r.status !== 'passed' && r.status !== 'failed' && r.status !== 'skipped') fail(`results[${i}].status is ${JSON.stringify(r.status)}`)
    if (r.target?.kind !== 'simulated' && r.target?.kind !== 'mlnode') fail(`results[${i}].target.kind is ${JSON.stringify(r.target?.kind)}`)
  })
  return d as RunResults
}

/**
 * Merges shard results. Provenance: the earliest date and the first file's tool and git facts
 * (shards of one CI run share a commit; a different commit is an error, it would mix code versions).
 * The run of a shard that did not finish (`run.state` not 'complete') becomes the merged file's.
 * @throws MlnodeBenchError MLNB_REPORT when one key appears in two files (naming both) or commits differ.
 */
export function mergeRunResults(files: ReadonlyArray<{ path: string; run: RunResults }>): RunResults {
  if (files.length === 0) throw new MlnodeBenchError('MLNB_REPORT', 'Nothing to merge: no results files given')
  const owner = new Map<string, string>()
  const results: BenchResult[] = []
  const first = files[0]!
  for (const { path, run } of files) {
    const a = first.run.provenance.git?.commit
    const b = run.provenance.git?.commit
    if (a && b && a !== b) throw new MlnodeBenchError('MLNB_REPORT', `Cannot merge ${first.path} (commit ${a.slice(0, 7)}) with ${path} (commit ${b.slice(0, 7)}): shards must come from one commit`)
    for (const r of run.results) {
      const id = keyId(r)
      const previous = owner.get(id)
      if (previous !== undefined)
        throw new MlnodeBenchError('MLNB_REPORT', `Duplicate result ${r.model} › ${r.variant} › ${r.workload} in ${previous} and ${path}`, { details: { files: [previous, path] } })
      owner.set(id, path)
      results.push(r)
    }
  }
  const date = files.map((f) => f.run.provenance.date).sort()[0]!
  const dirty = files.some((f) => f.run.provenance.git?.dirty)
  const provenance = { ...first.run.provenance, date, ...(first.run.provenance.git ? { git: { ...first.run.provenance.git, dirty } } : {}) }
  results.sort((x, y) => keyId(x).localeCompare(keyId(y)))
  // A shard whose run did not finish leaves the merged results incomplete too: keep its run state.
  const unfinished = files.find((f) => f.run.run && f.run.run.state !== 'complete')?.run.run
  return { schemaVersion: 1, provenance, ...(unfinished ? { run: unfinished } : {}), results }
}
