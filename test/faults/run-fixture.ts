/** Runs the fault fixture project (test/faults/fixtures) with real vitest and reads what it left. */
import { existsSync } from 'node:fs'
import { mkdtemp, readdir, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { execa } from 'execa'
import { CHILD_TIMEOUT_MS } from '../timeouts.js'

export const repo = fileURLToPath(new URL('../../', import.meta.url))
const vitestBin = join(repo, 'node_modules', 'vitest', 'vitest.mjs')
export const tsxCli = join(repo, 'node_modules', 'tsx', 'dist', 'cli.mjs')

export interface FixtureRun {
  exitCode: number | undefined
  output: string
  out: string
  wallS: number
}

/** `vitest bench --run` of the fixture suite; env blanks the targets unless the test sets them. */
export async function runFixture(env: Record<string, string>, options: { out?: string; timeoutMs?: number } = {}): Promise<FixtureRun> {
  const out = options.out ?? (await mkdtemp(join(tmpdir(), 'mlnb-faults-')))
  const started = performance.now()
  const r = await execa(process.execPath, [vitestBin, 'bench', '--run', '--config', 'test/faults/fixtures/vitest.config.ts', 'fault'], {
    cwd: repo,
    reject: false,
    timeout: options.timeoutMs ?? CHILD_TIMEOUT_MS,
    env: { MLNB_TEST_OUT: out, MLNODE_URL: '', INFERENCE_URL: '', MLNODE_BENCH_TARGET: '', NO_COLOR: '1', FORCE_COLOR: '0', ...env },
  })
  return { exitCode: r.exitCode, output: `${r.stdout}\n${r.stderr}`, out, wallS: (performance.now() - started) / 1000 }
}

/** Every file the run wrote, as text (binary files read as latin1: a secret's bytes still match). */
export async function outputFiles(out: string): Promise<Map<string, string>> {
  const files = new Map<string, string>()
  if (!existsSync(out)) return files
  for (const name of await readdir(out, { recursive: true })) {
    const path = join(out, String(name))
    const text = await readFile(path).then((b) => b.toString('latin1'), () => undefined)
    if (text !== undefined) files.set(String(name), text)
  }
  return files
}
