/** Validates a JUnit file with xmllint against ../shared/schemas/junit.xsd (beside the clone in CI). */
import { fileURLToPath } from 'node:url'
import { execa } from 'execa'

const repoRoot = fileURLToPath(new URL('../../', import.meta.url))
export const JUNIT_XSD = fileURLToPath(new URL('../shared/schemas/junit.xsd', `file://${repoRoot}`))

/** Resolves to xmllint's output; rejects with its message when the file does not validate. */
export async function validateJUnit(file: string): Promise<string> {
  const r = await execa('xmllint', ['--noout', '--schema', JUNIT_XSD, file], { reject: false })
  if (r.exitCode !== 0) throw new Error(`xmllint rejected ${file}:\n${r.stderr}`)
  return r.stderr
}
