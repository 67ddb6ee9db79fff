/** Where a run or baseline came from: tool version, date, git commit (via `git`, through execa). */
import { readFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { execa } from 'execa'
import type { Provenance } from '../contracts/results.js'

export interface ProvenanceOptions {
  /** Folder inside the git work tree. @default process.cwd() */
  cwd?: string
  /** Date of the run. @default new Date() */
  date?: Date
}

/**
 * Collects provenance for a results or baseline file. Git facts are omitted (not an error) when
 * `cwd` is not in a git work tree or git is missing.
 */
export async function collectProvenance(options: ProvenanceOptions = {}): Promise<Provenance> {
  const cwd = options.cwd ?? process.cwd()
  const provenance: Provenance = {
    tool: { name: 'mlnode-bench', version: await toolVersion() },
    date: (options.date ?? new Date()).toISOString(),
  }
  const git = await gitFacts(cwd)
  if (git) provenance.git = git
  return provenance
}

async function gitFacts(cwd: string): Promise<Provenance['git'] | undefined> {
  const run = (args: string[]) => execa('git', args, { cwd, reject: false, timeout: 10_000 })
  const head = await run(['rev-parse', 'HEAD'])
  if (head.exitCode !== 0 || typeof head.stdout !== 'string' || !/^[0-9a-f]{40}$/.test(head.stdout.trim())) return undefined
  const status = await run(['status', '--porcelain', '--untracked-files=no'])
  const branch = await run(['rev-parse', '--abbrev-ref', 'HEAD'])
  const git: NonNullable<Provenance['git']> = {
    commit: head.stdout.trim(),
    dirty: status.exitCode === 0 ? String(status.stdout).trim() !== '' : true,
  }
  const branchName = String(branch.stdout ?? '').trim()
  if (branch.exitCode === 0 && branchName !== '' && branchName !== 'HEAD') git.branch = branchName
  return git
}

let cachedVersion: string | undefined

/** Version of the installed mlnode-bench package (nearest package.json named mlnode-bench). */
export async function toolVersion(): Promise<string> {
  if (cachedVersion) return cachedVersion
  // Works from src/report (tsx) and dist/src/report (built): walk up to our package.json.
  let dir = dirname(fileURLToPath(import.meta.url))
  for (let i = 0; i < 6; i++) {
    try {
      const pkg = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string }
      if (pkg.name === 'mlnode-bench' && pkg.version) return (cachedVersion = pkg.version)
    } catch {
      // not here: keep walking up
    }
    dir = dirname(dir)
  }
  return (cachedVersion = 'unknown')
}
