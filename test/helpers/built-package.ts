/**
 * ONE build of the package (`tsc -p tsconfig.build.json`, what `prepack` runs) shared by every
 * e2e test that needs compiled files: the worker threads under plain Node, the CommonJS project,
 * the packed tarball of the Vitest-majors test. Each used to run its own 20–40 s build. The build
 * is keyed by the hash of its inputs, so a changed source is never served stale, and it lives
 * inside the repo (node_modules/.cache) so compiled files resolve the repo's dependencies as dist/
 * does. Test files run in separate workers: the first to ask builds, the others wait for it.
 */
import { createHash } from 'node:crypto'
import { existsSync } from 'node:fs'
import { cp, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { execa } from 'execa'

const repo = fileURLToPath(new URL('../../', import.meta.url))
const cacheDir = join(repo, 'node_modules', '.cache')
const PREFIX = 'mlnb-built-'
/** What decides the build's output. */
const INPUTS = ['src', 'reporters', 'tsconfig.json', 'tsconfig.build.json', 'package.json']

async function files(path: string): Promise<string[]> {
  if (!(await stat(path)).isDirectory()) return [path]
  const entries = await readdir(path, { withFileTypes: true })
  return (await Promise.all(entries.map((e) => files(join(path, e.name))))).flat()
}

async function inputHash(): Promise<string> {
  const hash = createHash('sha256')
  const all = (await Promise.all(INPUTS.map((p) => files(join(repo, p))))).flat().sort()
  for (const file of all) hash.update(relative(repo, file)).update('\0').update(await readFile(file)).update('\0')
  return hash.digest('hex').slice(0, 16)
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** The compiled package (`<dir>/src/index.js`, `<dir>/reporters/…`: the layout of dist/). */
export async function builtPackage(): Promise<string> {
  const key = await inputHash()
  const dir = join(cacheDir, `${PREFIX}${key}`)
  const done = join(dir, '.complete')
  const lock = `${dir}.lock`
  await mkdir(cacheDir, { recursive: true })
  for (;;) {
    if (existsSync(done)) return dir
    try {
      await mkdir(lock)
      break
    } catch {
      // Another test file is building the same inputs: wait for it (a lock older than 5 min is stale).
      const age = Date.now() - (await stat(lock).catch(() => ({ mtimeMs: Date.now() }))).mtimeMs
      if (age > 300_000) await rm(lock, { recursive: true, force: true })
      await sleep(250)
    }
  }
  try {
    if (existsSync(done)) return dir
    const scratch = `${dir}.tmp`
    await rm(scratch, { recursive: true, force: true })
    await execa('npx', ['tsc', '-p', 'tsconfig.build.json', '--outDir', scratch], { cwd: repo })
    await writeFile(join(scratch, '.complete'), '')
    await rm(dir, { recursive: true, force: true })
    await rename(scratch, dir)
    // Builds of older sources are not used again; one of another checkout sharing node_modules may
    // be in use right now, so only those untouched for an hour go.
    for (const name of await readdir(cacheDir)) {
      if (!name.startsWith(PREFIX) || name === `${PREFIX}${key}` || name.endsWith('.lock')) continue
      const old = join(cacheDir, name)
      if (Date.now() - (await stat(old)).mtimeMs > 3_600_000) await rm(old, { recursive: true, force: true })
    }
    return dir
  } finally {
    await rm(lock, { recursive: true, force: true })
  }
}

/**
 * The package as `npm pack` makes it, from the shared build: its `files` copied beside the build
 * as dist/, packed without the prepack script (which would build again). Returns the tarball path.
 */
export async function packedPackage(destination: string): Promise<string> {
  const built = await builtPackage()
  const stage = join(destination, 'stage')
  const manifest = JSON.parse(await readFile(join(repo, 'package.json'), 'utf8')) as { files: string[] }
  await mkdir(stage, { recursive: true })
  await cp(join(repo, 'package.json'), join(stage, 'package.json'))
  for (const entry of manifest.files) {
    if (entry === 'dist') await cp(built, join(stage, 'dist'), { recursive: true, filter: (src) => !src.endsWith('.complete') })
    else if (existsSync(join(repo, entry))) await cp(join(repo, entry), join(stage, entry), { recursive: true })
  }
  for (const doc of ['README.md', 'LICENSE']) if (existsSync(join(repo, doc))) await cp(join(repo, doc), join(stage, doc))
  const r = await execa('npm', ['pack', '--ignore-scripts', '--pack-destination', destination], { cwd: stage })
  return join(destination, r.stdout.trim().split('\n').at(-1)!)
}
