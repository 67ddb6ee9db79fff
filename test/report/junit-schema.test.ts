import { existsSync, readFileSync } from 'node:fs'
import { expect, it } from 'vitest'
import { JUNIT_XSD, SHARED_JUNIT_XSD } from './xmllint.js'

it.runIf(existsSync(SHARED_JUNIT_XSD))('the repo copy of the JUnit schema is the shared one', () => {
  expect(readFileSync(JUNIT_XSD, 'utf8')).toBe(readFileSync(SHARED_JUNIT_XSD, 'utf8'))
})
