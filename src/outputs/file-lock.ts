/**
 * A lock file beside what it guards, for read-modify-write cycles of files shared by concurrent
 * processes (the history database, the baseline) and for a run's output folder. The file is
 * created exclusively (O_EXCL) and holds the owner's PID; a lock whose PID is no longer alive on
 * this host is stale and taken over (a killed run must not block the next one forever).
 */
import { mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises'
import { dirname } from 'node:path'
import { hostname } from 'node:os'
import { randomBytes } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { MlnodeBenchError } from '../errors.js'

export interface LockOwner {
  pid: number
  host: string
  /** ISO date the lock was taken. */
  at: string
  /** What holds it, for messages ("history add", "vitest bench run"). */
  what: string
}

export interface LockOptions {
  /** What takes the lock, named to whoever finds it held. */
  what: string
  /** How long to wait for a held lock, ms (0: do not wait). @default 60_000 */
  waitMs?: number
  /** @default 50 */
  retryMs?: number
}

/** A lock file of unreadable content (being written) is stale only after this long, ms. */
const UNREADABLE_STALE_MS = 10_000

/** True when a process of that PID runs on this host (EPERM: it runs, as another user). */
export function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

async function readOwner(path: string): Promise<LockOwner | undefined> {
  try {
    const owner = JSON.parse(await readFile(path, 'utf8')) as LockOwner
    return typeof owner.pid === 'number' ? owner : undefined
  } catch {
    return undefined
  }
}

/** Whether the lock at `path` is left by an owner that is gone. */
async function isStale(path: string): Promise<boolean> {
  const owner = await readOwner(path)
  if (owner === undefined) {
    const age = await stat(path).then((s) => Date.now() - s.mtimeMs, () => 0)
    return age > UNREADABLE_STALE_MS
  }
  // Another host's PID cannot be checked from here: held until it removes it (docs/history.md).
  return owner.host === hostname() && !pidAlive(owner.pid)
}

/**
 * Takes the lock at `path`, waiting up to `waitMs` for its holder; returns its release.
 * @throws MlnodeBenchError MLNB_REPORT naming the lock file and its holder when it stays held.
 */
export async function acquireLock(path: string, options: LockOptions): Promise<() => Promise<void>> {
  const waitMs = options.waitMs ?? 60_000
  const giveUpAt = Date.now() + waitMs
  const mine: LockOwner = { pid: process.pid, host: hostname(), at: new Date().toISOString(), what: options.what }
  const text = `${JSON.stringify(mine)}\n`
  await mkdir(dirname(path), { recursive: true }).catch(() => undefined)
  for (;;) {
    try {
      const handle = await open(path, 'wx')
      try {
        await handle.writeFile(text, 'utf8')
      } finally {
        await handle.close()
      }
      return async () => {
        // Only our own lock: a stale-lock takeover by another process must not be undone by us.
        if ((await readFile(path, 'utf8').catch(() => '')) === text) await rm(path, { force: true })
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new MlnodeBenchError('MLNB_REPORT', `Lock ${path} cannot be created: ${(error as Error).message}`, { cause: error, details: { file: path } })
      }
    }
    if (await isStale(path)) {
      // Renamed away first: of two processes finding it stale, one removes it, the other retries.
      const aside = `${path}.${randomBytes(4).toString('hex')}.stale`
      await rename(path, aside).then(() => rm(aside, { force: true }), () => undefined)
      continue
    }
    if (Date.now() >= giveUpAt) {
      const owner = await readOwner(path)
      const holder = owner ? `${owner.what} (PID ${owner.pid} on ${owner.host}, since ${owner.at})` : 'another process'
      throw new MlnodeBenchError('MLNB_REPORT', `${path} is locked by ${holder}${waitMs > 0 ? `; waited ${Math.round(waitMs / 1000)} s` : ''}. Wait for it to finish; if that process is gone, remove ${path}.`, {
        details: { file: path, ...(owner ? { pid: owner.pid, host: owner.host } : {}) },
      })
    }
    await sleep(options.retryMs ?? 50)
  }
}

/** Runs `work` holding the lock at `path`. */
export async function withLock<T>(path: string, options: LockOptions, work: () => Promise<T>): Promise<T> {
  const release = await acquireLock(path, options)
  try {
    return await work()
  } finally {
    await release()
  }
}
