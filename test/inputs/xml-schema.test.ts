/** JUnit schema validation runs from npm (no Debian package) and says why a file is rejected. */
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { validateJUnit } from '../report/xmllint.js'
import { useTempDir } from '../temp-dir.js'

const dir = useTempDir('mlnb-xml-schema-')

describe('validateJUnit', () => {
  it('accepts a well-formed JUnit file', async () => {
    const file = join(dir(), 'ok.xml')
    await writeFile(file, '<?xml version="1.0" encoding="UTF-8"?>\n<testsuites><testsuite name="s" tests="1"><testcase name="c" classname="k" time="0.1"/></testsuite></testsuites>\n')
    await expect(validateJUnit(file)).resolves.toBeUndefined()
  })

  it("rejects a file that breaks the schema with the validator's reason", async () => {
    const file = join(dir(), 'bad.xml')
    await writeFile(file, '<?xml version="1.0" encoding="UTF-8"?>\n<testsuites><testsuite name="s"><bogus/></testsuite></testsuites>\n')
    const error = (await validateJUnit(file).catch((e: unknown) => e)) as Error
    expect(error).toBeInstanceOf(Error)
    expect(error.message).toContain(`rejected ${file}:`)
    // libxml2 names the element it did not expect.
    expect(error.message).toMatch(/bogus/)
  })
})
