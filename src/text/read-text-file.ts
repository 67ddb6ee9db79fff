/**
 * Reads a file the user named, as UTF-8 text, or throws the one error every reader gives: an
 * MlnodeBenchError naming what the file is and its path, with the system's reason and `cause`.
 */
import { readFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { MlnodeBenchError, type ErrorCode } from '../errors.js'

export interface ReadTextFileOptions {
  /** What the file is, for the message: "calibration file", "prompts file". */
  what: string
  /** @default 'MLNB_CONFIG' */
  code?: ErrorCode
  /** The path as the user wrote it, named in the message and details. @default the path read */
  shownAs?: string
}

function unreadable(path: string, { what, code = 'MLNB_CONFIG', shownAs = path }: ReadTextFileOptions, cause: unknown): MlnodeBenchError {
  const reason = cause instanceof Error ? cause.message : String(cause)
  return new MlnodeBenchError(code, `Cannot read ${what} ${shownAs}: ${reason}`, { cause, details: { file: shownAs } })
}

/** @throws MlnodeBenchError `code` (MLNB_CONFIG) "Cannot read {what} {shownAs}: {reason}". */
export async function readTextFile(path: string, options: ReadTextFileOptions): Promise<string> {
  try {
    return await readFile(path, 'utf8')
  } catch (cause) {
    throw unreadable(path, options, cause)
  }
}

/** The same, synchronously (suite collection and catalog lookups are synchronous). */
export function readTextFileSync(path: string, options: ReadTextFileOptions): string {
  try {
    return readFileSync(path, 'utf8')
  } catch (cause) {
    throw unreadable(path, options, cause)
  }
}
