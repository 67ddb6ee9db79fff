/**
 * The table of environment variables (src/environment.ts) is the whole truth: every variable a
 * source file reads is in it, every reader it lists still names the variable, and the README's
 * "Environment" table is rendered from it.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { INTERNAL_ENVIRONMENT, environmentTable, renderEnvironmentTable } from '../src/environment.js'

const root = new URL('..', import.meta.url).pathname

function sources(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => join(e.parentPath, e.name).slice(root.length))
}

/** Names read as `env.NAME`, `env['NAME']`, or held by a `…_ENV` constant (`env[CHAIN_URL_ENV]`). */
function namesRead(text: string): string[] {
  const code = text.replace(/^\s*(\*|\/\/).*$/gm, '')
  const names = [...code.matchAll(/\benv\.([A-Z][A-Z0-9_]+)\b/g), ...code.matchAll(/\benv\[['"]([A-Z][A-Z0-9_]+)['"]\]/g)].map((m) => m[1]!)
  for (const m of code.matchAll(/_ENV\s*=\s*(\[[^\]]*\]|'[A-Z0-9_]+')/g)) names.push(...[...m[1]!.matchAll(/'([A-Z][A-Z0-9_]+)'/g)].map((n) => n[1]!))
  return names
}

describe('the environment table', () => {
  const table = environmentTable()
  const files = [...sources('src'), ...sources('reporters')]

  it('lists every variable a source file reads', () => {
    const listed = new Set([...table.map((v) => v.name), ...INTERNAL_ENVIRONMENT])
    const unlisted = files.flatMap((file) => namesRead(readFileSync(join(root, file), 'utf8')).filter((n) => !listed.has(n)).map((n) => `${n} (${file})`))
    expect(unlisted).toEqual([])
    // The scan finds reads at all (a regex that matched nothing would pass the line above).
    expect(namesRead(readFileSync(join(root, 'src/run/targets/sim.ts'), 'utf8'))).toContain('MLNODE_SIM_SEED')
  })

  it('names each variable once, with readers that still name it', () => {
    expect(new Set(table.map((v) => v.name)).size).toBe(table.length)
    const stale = table.flatMap((v) => v.readers.filter((r) => !readFileSync(join(root, r), 'utf8').includes(v.name)).map((r) => `${v.name} in ${r}`))
    expect(stale).toEqual([])
  })

  it("is the README's Environment table", () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8')
    const expected = renderEnvironmentTable()
    expect(readme.includes(expected), `README.md "## Environment" must contain:\n${expected}`).toBe(true)
  })
})
