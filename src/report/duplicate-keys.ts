/**
 * Results, the baseline and the gate name a result by model › variant › workload. Two benches of
 * one run with the same name (two suite files of one model reusing a variant name) would overwrite
 * each other there: the run keeps both results and says which files clash, and nothing is compared.
 */
import { MlnodeBenchError } from '../errors.js'
import type { BenchResult } from '../contracts/results.js'
import { keyId } from './diff.js'

/** The first name measured twice in one run, or undefined. */
export function duplicateResultError(results: readonly BenchResult[]): MlnodeBenchError | undefined {
  const seen = new Map<string, BenchResult>()
  for (const r of results) {
    const first = seen.get(keyId(r))
    if (!first) {
      seen.set(keyId(r), r)
      continue
    }
    const name = `${r.model} › ${r.variant} › ${r.workload}`
    return new MlnodeBenchError(
      'MLNB_CONFIG',
      `${name} is measured by two benches (${first.file} and ${r.file}): results, the baseline and the gate name a result by model › variant › workload, so give one of the variants another name`,
      { details: { field: 'variants', value: r.variant, files: [first.file, r.file] } },
    )
  }
  return undefined
}
