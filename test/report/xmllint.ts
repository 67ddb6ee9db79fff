/**
 * Validates a JUnit file with xmllint against test/report/junit.xsd: the Jenkins JUnit model
 * widened to what current CI consumers accept, kept in the repo so a clone anywhere can validate.
 */
import { fileURLToPath } from 'node:url'
import { execa } from 'execa'

export const JUNIT_XSD = fileURLToPath(new URL('./junit.xsd', import.meta.url))

/** Resolves to xmllint's output; rejects with its message when the file does not validate. */
export async function validateJUnit(file: string): Promise<string> {
  const r = await execa('xmllint', ['--noout', '--schema', JUNIT_XSD, file], { reject: false })
  if (r.exitCode !== 0) throw new Error(`xmllint rejected ${file}:\n${r.stderr}`)
  return r.stderr
}
