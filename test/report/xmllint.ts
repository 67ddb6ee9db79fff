/**
 * Validates a JUnit file against test/report/junit.xsd: the Jenkins JUnit model widened to what
 * current CI consumers accept, kept in the repo so a clone anywhere can validate.
 */
import { fileURLToPath } from 'node:url'
import { schemaProblems } from '../helpers/xml-schema.js'

export const JUNIT_XSD = fileURLToPath(new URL('./junit.xsd', import.meta.url))

/** Resolves when the file validates; rejects with the validator's reasons when it does not. */
export async function validateJUnit(file: string): Promise<void> {
  const problems = await schemaProblems(file, JUNIT_XSD)
  if (problems !== undefined) throw new Error(`JUnit schema validation rejected ${file}:\n${problems}`)
}
