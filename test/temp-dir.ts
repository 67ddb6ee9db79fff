/** A fresh temporary directory for a test file (or for each test), removed afterwards. */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest'

/** Registers the hooks; returns the directory of the current file or test. */
export function useTempDir(prefix: string, scope: 'file' | 'test' = 'file'): () => string {
  let dir = ''
  const [before, after] = scope === 'file' ? [beforeAll, afterAll] : [beforeEach, afterEach]
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), prefix))
  })
  after(async () => {
    await rm(dir, { recursive: true, force: true })
  })
  return () => dir
}
