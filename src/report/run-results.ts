/** Parses and checks results.json text (RunResults) and merges shards into one. */
import { MlnodeBenchError } from '../errors.js'
import { keyId } from './diff.js'
import type { BenchResult, RunResults } from '../contracts/results.js'
import { listProblems, runResultsProblems } from '../contracts/schema/check-results.js'
import { histogramProblems } from '../metrics/histogram-check.js'

/**
 * Parses RunResults text and checks it against schemas/results.schema.json (histograms included).
 * @throws MlnodeBenchError MLNB_REPORT naming the file and every bad entry and field (first ten).
 */
export function parseRunResults(text: string, path: string): RunResults {
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (cause) {
    throw new MlnodeBenchError('MLNB_REPORT', `Results file ${path} is not a mlnode-bench results file: not valid JSON (${(cause as Error).message})`, { details: { file: path } })
  }
  const problems = runResultsProblems(data, [histogramProblems])
  if (problems.length > 0)
    throw new MlnodeBenchError('MLNB_REPORT', `Results file ${path} is not a valid mlnode-bench results file (${problems.length} problem${problems.length === 1 ? '' : 's'}):${listProblems(problems)}`, { details: { file: path, problems } })
  return data as RunResults
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
      // A shard folder reused by a self-hosted runner also keeps results of its earlier runs
      // (partial runs keep what they did not re-run): only the shard's own run is merged.
      if (run.run && r.run && r.run.id !== run.run.id) continue
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
