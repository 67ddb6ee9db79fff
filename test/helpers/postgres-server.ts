/**
 * A throwaway PostgreSQL server for the shared-history tests: Debian's server binaries (package
 * `postgresql`; `.ci/run` installs it), `initdb` into a temporary folder, `postgres` on a free
 * loopback port with its socket in that folder, password login (scram-sha-256) over TCP so the
 * tests use a URL with a real password, and the folder removed afterwards.
 *
 * initdb and postgres refuse to run as root ("cannot be run as root"), and CI containers run as
 * root: then the server runs as `nobody` (uid/gid 65534) through `setpriv` (util-linux, on every
 * Debian system; `runuser` when it is missing), and the folder is handed to that user.
 *
 * No binaries: under CI=true the tests fail with how to install them; elsewhere they are skipped
 * with that note (printed after the summary by test/helpers/skip-notes-reporter.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import { chown, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { delimiter, join } from 'node:path'
import pg from 'pg'
import { afterAll, beforeAll, type TestContext } from 'vitest'
import { PROCESS_TEST_TIMEOUT_MS } from '../timeouts.js'

const UNPRIVILEGED = 65534
const USER = 'mlnb'
/** Only this throwaway server knows it; long enough for the scrubber to treat it as a secret. */
export const POSTGRES_TEST_PASSWORD = 'pg-test-pw-7d1e'

/** The folder holding initdb and postgres: PATH first, then Debian's /usr/lib/postgresql/<version>/bin, newest first. */
export function findPostgresBin(env: NodeJS.ProcessEnv = process.env, root = '/usr/lib/postgresql'): string | undefined {
  const has = (dir: string): boolean => existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'postgres'))
  const onPath = (env.PATH ?? '').split(delimiter).filter(Boolean).find(has)
  if (onPath) return onPath
  const versions = existsSync(root) ? readdirSync(root).filter((v) => /^\d+(\.\d+)?$/.test(v)).sort((a, b) => Number(b) - Number(a)) : []
  return versions.map((v) => join(root, v, 'bin')).find(has)
}

export const POSTGRES_MISSING_NOTE = 'no PostgreSQL server binaries (initdb, postgres) on PATH or in /usr/lib/postgresql/*/bin (Debian: apt-get install -y postgresql; .ci/run installs it)'

export interface PostgresServer {
  port: number
  /** A URL of database `db` with the test user's password. */
  url(db: string): string
  /** Creates database `db`; returns its URL. */
  createDatabase(db: string): Promise<string>
}

/** How to run a command as the unprivileged user (root only). */
function asUnprivileged(): string[] {
  if (process.getuid?.() !== 0) return []
  for (const dir of ['/usr/bin', '/bin', '/usr/sbin', '/sbin']) {
    if (existsSync(join(dir, 'setpriv'))) return [join(dir, 'setpriv'), `--reuid=${UNPRIVILEGED}`, `--regid=${UNPRIVILEGED}`, '--clear-groups', '--']
    if (existsSync(join(dir, 'runuser'))) return [join(dir, 'runuser'), '-u', 'nobody', '--']
  }
  throw new Error('running as root and neither setpriv nor runuser is installed: initdb and postgres refuse to run as root')
}

function run(argv: string[], what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    child.stdout.on('data', (d: Buffer) => (out += d.toString()))
    child.stderr.on('data', (d: Buffer) => (out += d.toString()))
    child.on('error', reject)
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${what} exited with ${code}:\n${out}`))))
  })
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}

async function waitReady(url: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 60_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`postgres exited with ${child.exitCode}:\n${log()}`)
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 })
    try {
      await client.connect()
      await client.end()
      return
    } catch (error) {
      await client.end().catch(() => undefined)
      if (Date.now() > deadline) throw new Error(`postgres not ready within 60 s: ${(error as Error).message}\n${log()}`)
      await new Promise((r) => setTimeout(r, 100))
    }
  }
}

/**
 * Starts a server for the test file (beforeAll) and stops it, removing its folder (afterAll).
 * The returned function gives the server, or skips the calling test with the note when the
 * binaries are missing (fails under CI=true).
 */
export function usePostgresServer(): (ctx: TestContext) => PostgresServer {
  const bin = findPostgresBin()
  let dir = ''
  let child: ChildProcess | undefined
  let server: PostgresServer | undefined

  beforeAll(async () => {
    if (!bin) {
      if (process.env.CI === 'true') throw new Error(`CI=true: ${POSTGRES_MISSING_NOTE}`)
      return
    }
    const prefix = asUnprivileged()
    dir = await mkdtemp(join(tmpdir(), 'mlnb-pg-'))
    const pwfile = join(dir, 'pwfile')
    await writeFile(pwfile, `${POSTGRES_TEST_PASSWORD}\n`)
    if (prefix.length > 0) for (const p of [dir, pwfile]) await chown(p, UNPRIVILEGED, UNPRIVILEGED)
    const data = join(dir, 'data')
    await run([...prefix, join(bin, 'initdb'), '-D', data, '-U', USER, '--auth-local=trust', '--auth-host=scram-sha-256', `--pwfile=${pwfile}`, '-E', 'UTF8', '--locale=C', '--no-sync', '--no-instructions'], 'initdb')
    // A port free a moment ago may be taken by the time postgres binds it: try another.
    for (let attempt = 1; ; attempt++) {
      const port = await freePort()
      let log = ''
      // setpriv execs postgres (same pid), so the signal of afterAll reaches the server itself.
      const argv = [...prefix, join(bin, 'postgres'), '-D', data, '-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off']
      const proc = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'ignore', 'pipe'] })
      proc.stderr!.on('data', (d: Buffer) => (log += d.toString()))
      const url = (db: string): string => `postgres://${USER}:${POSTGRES_TEST_PASSWORD}@127.0.0.1:${port}/${db}`
      try {
        await waitReady(url('postgres'), proc, () => log)
      } catch (error) {
        proc.kill('SIGKILL')
        if (attempt < 3 && /could not bind|already in use/i.test(log)) continue
        throw error
      }
      child = proc
      server = {
        port,
        url,
        async createDatabase(db) {
          const admin = new pg.Client({ connectionString: url('postgres') })
          await admin.connect()
          try {
            await admin.query(`CREATE DATABASE "${db.replace(/"/g, '""')}"`)
          } finally {
            await admin.end()
          }
          return url(db)
        },
      }
      return
    }
  }, PROCESS_TEST_TIMEOUT_MS)

  afterAll(async () => {
    const proc = child
    if (proc && proc.exitCode === null) {
      // SIGINT: PostgreSQL's fast shutdown (ends sessions, no waiting for clients).
      const exited = new Promise((r) => proc.once('exit', r))
      proc.kill('SIGINT')
      const timer = setTimeout(() => proc.kill('SIGKILL'), 20_000)
      await exited
      clearTimeout(timer)
    }
    if (dir) await rm(dir, { recursive: true, force: true })
  }, PROCESS_TEST_TIMEOUT_MS)

  return (ctx) => {
    if (!server) ctx.skip(true, POSTGRES_MISSING_NOTE)
    return server!
  }
}
