/**
 * MLNode's own log lines for a failed deploy, from a user-configured command (e.g.
 * `docker logs --tail 300 mlnode`), run with execa: argument array, never a shell string.
 */
import { execa } from 'execa'
import { redact } from '../errors.js'

/** Lines that explain most failed starts (docs/mlnode.md "Logs worth quoting on failure"). */
const TELLING = /instances to start|is up and running|Async startup failed|is unhealthy|exited prematurely|Error|error:|OutOfMemory|out of memory|Traceback|ValueError|RuntimeError/

/** The telling lines of the log plus its tail, redacted; a note instead when the command fails. */
export async function captureDeployLog(command: readonly string[], maxLines = 40): Promise<string[]> {
  const [file, ...args] = command
  if (file === undefined) return []
  try {
    const { all } = await execa(file, args, { all: true, reject: false, timeout: 15_000, stripFinalNewline: true })
    const lines = String(all ?? '').split(/\r?\n/)
    const telling = lines.filter((l) => TELLING.test(l))
    const picked = [...new Set([...telling.slice(-maxLines / 2), ...lines.slice(-maxLines / 2)])]
    return picked.map(redact)
  } catch (error) {
    return [`(log command ${redact(command.join(' '))} failed: ${redact((error as Error).message)})`]
  }
}
