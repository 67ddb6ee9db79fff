/** Atomic file writes for reports and baselines: a reader never sees a half-written file. */
import { mkdir, rename, rm, writeFile } from 'node:fs/promises'
import { dirname, basename, join } from 'node:path'
import { randomBytes } from 'node:crypto'
import { MlnodeBenchError } from '../errors.js'
import { scrub } from './secrets.js'

/**
 * Writes `text` (or bytes: the history database) to a temporary file beside `path`, then renames it over `path` (atomic on POSIX
 * within one file system). Creates the parent folder. Text is scrubbed of every known secret on
 * the way out (secrets.ts); bytes (the history database) are scrubbed row by row before.
 * @throws MlnodeBenchError MLNB_REPORT naming the file.
 */
export async function writeFileAtomic(path: string, text: string | Uint8Array): Promise<void> {
  const dir = dirname(path)
  const temp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`)
  try {
    await mkdir(dir, { recursive: true })
    await writeFile(temp, typeof text === 'string' ? scrub(text) : text, 'utf8')
    await rename(temp, path)
  } catch (cause) {
    await rm(temp, { force: true }).catch(() => {})
    throw new MlnodeBenchError('MLNB_REPORT', `Could not write ${path}: ${(cause as Error).message}`, { cause })
  }
}
