/** Lock files (src/outputs/file-lock.ts): a dead holder's lock is taken over, a live one's is not. */
import { existsSync } from 'node:fs'
import { readFile, writeFile } from 'node:fs/promises'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { execa } from 'execa'
import { expect, it } from 'vitest'
import { acquireLock } from '../../src/outputs/file-lock.js'
import { useTempDir } from '../temp-dir.js'

const dir = useTempDir('mlnb-faults-lock-', 'test')

async function deadPid(): Promise<number> {
  const child = await execa(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'])
  return Number(child.stdout)
}

it("a lock whose PID is dead is stale: taken over, and released as one's own", async () => {
  const path = join(dir(), 'x.lock')
  await writeFile(path, JSON.stringify({ pid: await deadPid(), host: hostname(), at: '2026-01-01T00:00:00.000Z', what: 'a killed run' }))
  const release = await acquireLock(path, { what: 'test', waitMs: 0 })
  expect(JSON.parse(await readFile(path, 'utf8'))).toMatchObject({ pid: process.pid, what: 'test' })
  await release()
  expect(existsSync(path)).toBe(false)
})

it('a lock held by a live process is waited for, then refused naming its holder', async () => {
  const path = join(dir(), 'y.lock')
  const holder = execa(process.execPath, ['-e', 'setTimeout(() => {}, 30000)'])
  try {
    await writeFile(path, JSON.stringify({ pid: holder.pid, host: hostname(), at: '2026-01-01T00:00:00.000Z', what: 'vitest bench' }))
    const started = Date.now()
    await expect(acquireLock(path, { what: 'test', waitMs: 300 })).rejects.toMatchObject({ code: 'MLNB_REPORT', message: expect.stringContaining(`locked by vitest bench (PID ${holder.pid}`) })
    expect(Date.now() - started).toBeGreaterThanOrEqual(300)
  } finally {
    holder.kill()
    await holder.catch(() => undefined)
  }
})
