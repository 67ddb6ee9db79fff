/**
 * Global setup of `vitest run` (the tests): one temporary root for the whole run, handed to every
 * worker and child process through TMPDIR, and removed at the end. A test removes its own folders,
 * but a child `vitest` a test interrupts on purpose (Ctrl-C, a killed run) cannot remove Vite's:
 * whatever anything leaves in the temp dir goes with the root. Bench runs (the main job) keep TMPDIR.
 * A shared history named in the developer's shell (MLNODE_BENCH_HISTORY_URL) is cleared for the
 * run too: the tests' bench runs must never append to a team's database (the PostgreSQL tests
 * start their own server and name it themselves).
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestProject } from 'vitest/node'

export default function setup(project: TestProject): (() => void) | undefined {
  if (project.vitest.mode !== 'test') return undefined
  const before = process.env.TMPDIR
  const sharedHistory = process.env.MLNODE_BENCH_HISTORY_URL
  delete process.env.MLNODE_BENCH_HISTORY_URL
  const root = mkdtempSync(join(tmpdir(), 'mlnb-test-run-'))
  // Open like /tmp itself (sticky, world-writable): the PostgreSQL tests run their server as an
  // unprivileged user, who must reach its folder under here.
  chmodSync(root, 0o1777)
  process.env.TMPDIR = root
  return () => {
    if (before === undefined) delete process.env.TMPDIR
    else process.env.TMPDIR = before
    if (sharedHistory !== undefined) process.env.MLNODE_BENCH_HISTORY_URL = sharedHistory
    rmSync(root, { recursive: true, force: true, maxRetries: 3 })
  }
}
