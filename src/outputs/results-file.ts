/** A results.json file (RunResults) on disk, read and checked. */
import { readFile } from 'node:fs/promises'
import { MlnodeBenchError } from '../errors.js'
import type { RunResults } from '../contracts/results.js'
import { parseRunResults } from '../report/run-results.js'

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
