/** The baseline file on disk: read and checked, loaded into a gate status, written atomically. */
import { readFile } from 'node:fs/promises'
import { isMlnodeBenchError, MlnodeBenchError } from '../errors.js'
import { checkBaseline, sortBaseline, type BaselineFile, type CheckedBaseline } from '../report/baseline.js'
import type { BaselineStatus } from '../report/baseline-status.js'
import { writeFileAtomic } from './atomic-write.js'

/**
 * Reads and checks a baseline (`shownAs` names it in messages). Returns undefined when the file does not exist.
 * @throws MlnodeBenchError MLNB_BASELINE naming the file when it cannot be read or is corrupt.
 */
export async function readBaseline(path: string, shownAs = path): Promise<CheckedBaseline | undefined> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw new MlnodeBenchError('MLNB_BASELINE', `Baseline ${shownAs} cannot be read: ${(cause as Error).message}`, { cause, details: { file: shownAs } })
  }
  return checkBaseline(text, shownAs)
}

/** A loaded baseline (valid entries only) and its status. */
export interface LoadedBaseline {
  baseline?: BaselineFile
  status: BaselineStatus
}

/** Reads `path` into a status; never throws. `shownAs` is the name used in messages. */
export async function loadBaseline(path: string, options: { shownAs?: string; required?: boolean } = {}): Promise<LoadedBaseline> {
  const file = options.shownAs ?? path
  const required = options.required ?? false
  try {
    const checked = await readBaseline(path, file)
    if (!checked) return { status: { file, state: 'missing', required, invalid: [] } }
    return { baseline: checked.baseline, status: { file, state: 'found', required, invalid: checked.invalid } }
  } catch (error) {
    const e = isMlnodeBenchError(error) ? error : new MlnodeBenchError('MLNB_BASELINE', `Baseline ${file}: ${String(error)}`, { cause: error })
    return { status: { file, state: 'corrupt', required, error: { code: e.code, message: e.message }, invalid: [] } }
  }
}

/** Writes a baseline atomically (temp file + rename), keys sorted so git diffs stay readable. */
export async function writeBaseline(path: string, baseline: BaselineFile): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(sortBaseline(baseline), null, 2)}\n`)
}
