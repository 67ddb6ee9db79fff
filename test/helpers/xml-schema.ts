/**
 * XML Schema validation for the tests, without a system package: libxml2's xmllint compiled to
 * WebAssembly (npm `xmllint-wasm`, https://github.com/noppa/xmllint-wasm, API in its index.d.ts:
 * `validateXML({ xml, schema }) → { valid, errors: [{ message, rawMessage, loc }], rawOutput }`).
 * Until that dev dependency is installed, the system `xmllint` (Debian's libxml2-utils) is used
 * when present; with neither, the error says what to install. Every rejection quotes the reason.
 */
import { readFile } from 'node:fs/promises'
import { basename } from 'node:path'
import { execa } from 'execa'

interface XmllintWasm {
  validateXML(options: {
    xml: ReadonlyArray<{ fileName: string; contents: string }>
    schema: ReadonlyArray<{ fileName: string; contents: string }>
  }): Promise<{ valid: boolean; errors: ReadonlyArray<{ rawMessage: string; message: string }>; rawOutput: string }>
}

/** The package, or undefined when it is not installed (the name is a variable so tsc does not need it). */
async function loadWasm(): Promise<XmllintWasm | undefined> {
  const name = 'xmllint-wasm'
  try {
    return (await import(name)) as XmllintWasm
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_MODULE_NOT_FOUND') return undefined
    throw error
  }
}

/** Why `file` does not match `xsd`, or undefined when it does. Never a bare "rejected". */
export async function schemaProblems(file: string, xsd: string): Promise<string | undefined> {
  const wasm = await loadWasm()
  if (wasm) {
    const result = await wasm.validateXML({
      xml: [{ fileName: basename(file), contents: await readFile(file, 'utf8') }],
      schema: [{ fileName: basename(xsd), contents: await readFile(xsd, 'utf8') }],
    })
    if (result.valid) return undefined
    const reasons = result.errors.map((e) => e.rawMessage || e.message).join('\n')
    return reasons || result.rawOutput || 'xmllint-wasm found the file invalid without a message'
  }
  const r = await execa('xmllint', ['--noout', '--schema', xsd, file], { reject: false })
  if (r.failed && r.exitCode === undefined) {
    return `no XML Schema validator: add the dev dependency xmllint-wasm (npm), or install xmllint (Debian: libxml2-utils). ${r.shortMessage}`
  }
  if (r.exitCode === 0) return undefined
  return r.stderr.trim() || r.stdout.trim() || `xmllint exited with code ${r.exitCode} and no message`
}
