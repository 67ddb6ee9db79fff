/**
 * Validates a JUnit file with xmllint against test/report/junit.xsd: a copy of the team's
 * JUnit schema kept in the repo so a clone anywhere can validate
 * (test/report/junit-schema.test.ts checks the copy against the original when it is beside the clone).
 */
import { fileURLToPath } from 'node:url'
import { execa } from 'execa'

export const JUNIT_XSD = fileURLToPath(new URL('./junit.xsd', import.meta.url))
export const SHARED_JUNIT_XSD = fileURLToPath(new URL('../../../shared/schemas/junit.xsd', import.meta.url))

/** Resolves to xmllint's output; rejects with its message when the file does not validate. */
export async function validateJUnit(file: string): Promise<string> {
  const r = await execa('xmllint', ['--noout', '--schema', JUNIT_XSD, file], { reject: false })
  if (r.exitCode !== 0) throw new Error(`xmllint rejected ${file}:\n${r.stderr}`)
  return r.stderr
}
