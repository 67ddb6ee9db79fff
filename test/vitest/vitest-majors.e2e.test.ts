/**
 * The packed package in a fresh project, as a user installs it, under both Vitest majors: Vitest 5
 * on Node 24 (the `node` package from npm, as `npm i -D vitest@5 node@24` gives) and Vitest 4.1 on
 * this machine's Node. Each project runs a suite against the embedded simulator, accepts a
 * baseline, and fails a slower simulator: the adapter (src/vitest/bench-api.ts) and the reporters
 * (`benchRunReporters`) must work the same in both. Needs the npm registry (as `npm ci` does).
 */
import { existsSync, readFileSync } from 'node:fs'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { execa } from 'execa'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunResults } from '../../src/contracts/results.js'
import { packedPackage } from '../helpers/built-package.js'
import { validateJUnit } from '../report/xmllint.js'

let tarball = ''

/** The README's "Add to an existing project": its config and first suite, exactly as a user copies them. */
function readmeProject(): { config: string; suite: string } {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8')
  const section = readme.slice(readme.indexOf('## Add to an existing project'))
  const blocks = [...section.slice(0, section.indexOf('\n## ', 5)).matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!)
  if (blocks.length !== 2) throw new Error(`README "Add to an existing project" must hold 2 ts blocks (config, suite), found ${blocks.length}`)
  return { config: blocks[0]!, suite: blocks[1]! }
}
const { config: CONFIG, suite: SUITE } = readmeProject()

/** Every scratch folder this file made (the user projects hold a full node_modules each): removed at the end. */
const scratch: string[] = []
afterAll(async () => {
  await Promise.all(scratch.map((dir) => rm(dir, { recursive: true, force: true })))
})

const MAJORS = [
  { major: '5', deps: ['vitest@5.1.2', 'node@24'], node: /^v24\./ },
  { major: '4.1', deps: ['vitest@4.1.12'], node: /^v2\d\./ },
]
/** Each major's project, installed in beforeAll. */
const projects = new Map<string, string>()

beforeAll(async () => {
  const dir = await mkdtemp(join(tmpdir(), 'mlnb-pack-'))
  scratch.push(dir)
  // npm pack of the package's own build, shared with the other e2e tests (no second tsc run).
  tarball = await packedPackage(dir)
  // Both installs at once: they wait on the registry, not on the CPU.
  await Promise.all(MAJORS.map(async ({ major, deps }) => projects.set(major, await project(deps))))
}, 360_000)

async function project(devDependencies: string[]): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'mlnb-user-'))
  scratch.push(dir)
  await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'user-project', private: true, type: 'module' }))
  await mkdir(join(dir, 'benchmarks'))
  await writeFile(join(dir, 'vitest.config.ts'), CONFIG)
  await writeFile(join(dir, 'benchmarks', 'qwen.bench.ts'), SUITE)
  // --prefer-offline: packages already in npm's cache (from the other project, an earlier run) are not re-checked with the registry.
  await execa('npm', ['i', '-D', '--no-audit', '--no-fund', '--prefer-offline', ...devDependencies, tarball], { cwd: dir })
  return dir
}

const bench = (dir: string, env: Record<string, string> = {}) =>
  execa('npx', ['vitest', 'bench', '--run'], { cwd: dir, reject: false, env: { MLNODE_URL: '', MLNODE_SIM_SLOWDOWN: '', MLNODE_BENCH_UPDATE_BASELINE: '', NO_COLOR: '1', ...env } }).then((r) => ({ ...r, text: `${r.stdout}\n${r.stderr}` }))

describe.each(MAJORS)('a user project on Vitest $major', ({ major, node }) => {
  it('measures a suite, accepts a baseline, and fails a 1.3x slower simulator', async () => {
    const dir = projects.get(major)!
    expect((await execa('npx', ['node', '--version'], { cwd: dir })).stdout).toMatch(node)

    const first = await bench(dir)
    expect(first.exitCode, first.text).toBe(0)
    const run = JSON.parse(await readFile(join(dir, '.mlnode-bench', 'results.json'), 'utf8')) as RunResults
    expect(run.results.map((r) => [r.variant, r.status, r.target.simulatedTime])).toEqual([
      ['tp1-x4', 'passed', true],
      ['tp2-x2', 'passed', true],
    ])
    expect(run.results.every((r) => r.metrics!.requests.completed === 16)).toBe(true)
    await validateJUnit(join(dir, '.mlnode-bench', 'junit.xml'))

    expect((await bench(dir, { MLNODE_BENCH_UPDATE_BASELINE: '1' })).exitCode).toBe(0)
    const same = await bench(dir)
    expect(same.exitCode, same.text).toBe(0)
    expect(same.text).toMatch(/0 regression\(s\)/)
    const slow = await bench(dir, { MLNODE_SIM_SLOWDOWN: '1.3' })
    expect(slow.exitCode, slow.text).toBe(1)
    expect(slow.text).toMatch(/REGRESSION Qwen\/Qwen2\.5-7B-Instruct › tp\d-x\d › chat 1k→100, 8 users \[simulated\]: E2EL p50 [\d.]+ → [\d.]+ ms \(\+30\.0 %, deterministic\)/)
    // The history reporter of the README's config (SQLite in WebAssembly) kept every run and wrote the report.
    expect(slow.text).toMatch(/run #4 added to history \.mlnode-bench\/history\.sqlite \(2 results\)/)
    expect(existsSync(join(dir, '.mlnode-bench', 'report.html'))).toBe(true)
  }, 600_000)
})
