/**
 * The output files of a run, known before it deploys anything: the reporters register them when
 * Vitest starts them (onInit), and the global setup checks, before the first deploy, that every
 * folder can be written, and takes each folder's run lock (`run.lock`, the PID of the run) so a
 * second run on the same folder is refused instead of interleaving its files with this one's.
 * Reporters and the global setup are loaded as separate module copies (Vite bundles the config),
 * so the registry lives on globalThis.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { MlnodeBenchError } from '../errors.js'
import { acquireLock } from './file-lock.js'

const KEY = Symbol.for('mlnode-bench.run-outputs')

interface Registry {
  files: Set<string>
  /** results.json (ResultsJsonReporter): where an interrupted run's state and partial results go. */
  resultsFile?: string
  /** This process's claim, shared by the global setups of its projects (counted). */
  claim?: { users: number; release: Promise<() => Promise<void>> }
}

function registry(): Registry {
  const g = globalThis as { [KEY]?: Registry }
  g[KEY] ??= { files: new Set() }
  return g[KEY]
}

/** An absolute path a reporter will write; `results` marks results.json. */
export function registerOutputFile(path: string, role?: 'results'): void {
  registry().files.add(path)
  if (role === 'results') registry().resultsFile = path
}

/** The registered results.json, if a ResultsJsonReporter is configured. */
export function registeredResultsFile(): string | undefined {
  return registry().resultsFile
}

/** Where a workload being measured leaves its partial result (kept if the run is interrupted). */
export function partialResultsDir(resultsFile: string): string {
  return join(dirname(resultsFile), 'partial')
}

/** The folders of every registered output, sorted (locks are always taken in one order). */
export function outputFolders(): string[] {
  return [...new Set([...registry().files].map((f) => dirname(f)))].sort()
}

/**
 * Checks that every output folder can be written (a probe file written and removed) and takes
 * its run lock. Returns the release of the locks.
 * @throws MlnodeBenchError MLNB_REPORT naming the folder and why, or the run holding it.
 */
export async function claimOutputFolders(what = 'a vitest bench run'): Promise<() => Promise<void>> {
  const r = registry()
  if (!r.claim) {
    const claim = { users: 0, release: claimAll(what) }
    r.claim = claim
    claim.release.catch(() => r.claim === claim && (r.claim = undefined))
  }
  const claim = r.claim
  const releaseAll = await claim.release
  claim.users++
  return async () => {
    if (--claim.users > 0) return
    if (r.claim === claim) r.claim = undefined
    await releaseAll()
  }
}

async function claimAll(what: string): Promise<() => Promise<void>> {
  const releases: Array<() => Promise<void>> = []
  const releaseAll = async (): Promise<void> => {
    for (const release of releases.splice(0).reverse()) await release().catch(() => undefined)
  }
  try {
    for (const folder of outputFolders()) {
      const probe = join(folder, `.write-probe-${process.pid}`)
      try {
        await mkdir(folder, { recursive: true })
        await writeFile(probe, 'mlnode-bench checks this folder can be written before deploying anything\n')
      } catch (cause) {
        throw new MlnodeBenchError('MLNB_REPORT', `Output folder ${folder} cannot be written (${(cause as Error).message}): nothing was deployed. Free space or fix its permissions, or point the reporters' outputFile elsewhere.`, { cause, details: { file: folder } })
      } finally {
        await rm(probe, { force: true }).catch(() => undefined)
      }
      releases.push(await acquireLock(join(folder, 'run.lock'), { what, waitMs: 0 }))
    }
  } catch (error) {
    await releaseAll()
    if (error instanceof MlnodeBenchError && error.message.includes('is locked by'))
      throw new MlnodeBenchError('MLNB_REPORT', `Another run writes to the same output folder: ${error.message} Two runs in one folder would overwrite each other's results.`, { cause: error, details: error.details })
    throw error
  }
  return releaseAll
}
