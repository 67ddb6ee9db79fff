/** Reading dataset files, and the errors that name the file, the record and the field. */
import { readTextFile } from '../../text/read-text-file.js'
import { isAbsolute, resolve } from 'node:path'
import { MlnodeBenchError } from '../../errors.js'

/** Reads a dataset file (relative paths from `baseDir`); a missing file is a named config error. */
export async function readDatasetFile(kind: string, file: string, baseDir = process.cwd()): Promise<{ path: string; text: string }> {
  const path = isAbsolute(file) ? file : resolve(baseDir, file)
  return { path, text: await readTextFile(path, { what: `${kind} file` }) }
}

/** A bad record: `where` is "line 3" (JSONL) or "record 3" (a JSON array), `field` the JSON path. */
export function badRecord(kind: string, path: string, where: string, field: string, why: string, value?: unknown): MlnodeBenchError {
  const shown = value === undefined ? '' : ` (got ${JSON.stringify(value)?.slice(0, 60) ?? String(value)})`
  return new MlnodeBenchError('MLNB_CONFIG', `${kind} file ${path} ${where}: ${field} ${why}${shown}`, { details: { file: path, where, field } })
}

/** Each non-blank line of a JSONL file parsed, with its 1-based line number. */
export function jsonLines(kind: string, path: string, text: string): Array<{ line: number; value: unknown }> {
  const out: Array<{ line: number; value: unknown }> = []
  text.split(/\r?\n/).forEach((raw, i) => {
    if (raw.trim() === '') return
    try {
      out.push({ line: i + 1, value: JSON.parse(raw) })
    } catch (error) {
      throw badRecord(kind, path, `line ${i + 1}`, '(line)', `is not JSON: ${(error as Error).message}`)
    }
  })
  if (out.length === 0) throw new MlnodeBenchError('MLNB_CONFIG', `${kind} file ${path} holds no records`, { details: { file: path } })
  return out
}

/** Seeded Fisher–Yates order of 0..n−1. */
export function shuffledOrder(n: number, rng: () => number): number[] {
  const order = Array.from({ length: n }, (_, i) => i)
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1))
    ;[order[i], order[j]] = [order[j]!, order[i]!]
  }
  return order
}
