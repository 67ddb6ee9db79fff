/**
 * The package's command (bin/mlnode-bench.js) where there is no dist/: a fresh clone runs the
 * TypeScript sources through tsx; without tsx either (an unbuilt copy outside a dev install) it
 * says how to build, exit 1. Real node processes on a layout of the bin beside the repo's sources.
 */
import { copyFile, mkdir, symlink } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { execa } from 'execa'
import { expect, it } from 'vitest'
import { CHILD_TIMEOUT_MS, PROCESS_TEST_TIMEOUT_MS } from '../timeouts.js'
import { useTempDir } from '../temp-dir.js'

const repo = fileURLToPath(new URL('../../', import.meta.url))
const dir = useTempDir('mlnb-bin-', 'test')

/** bin/ and src/ as in a clone, no dist/; node_modules (with tsx) only when asked. */
async function layout(withNodeModules: boolean): Promise<string> {
  const root = dir()
  await mkdir(join(root, 'bin'))
  await copyFile(join(repo, 'bin', 'mlnode-bench.js'), join(root, 'bin', 'mlnode-bench.js'))
  await copyFile(join(repo, 'package.json'), join(root, 'package.json'))
  await symlink(join(repo, 'src'), join(root, 'src'), 'dir')
  if (withNodeModules) await symlink(join(repo, 'node_modules'), join(root, 'node_modules'), 'dir')
  return root
}

it('runs the sources through tsx when there is no dist/', async () => {
  const root = await layout(true)
  const r = await execa(process.execPath, [join(root, 'bin', 'mlnode-bench.js'), '--help'], { reject: false, timeout: CHILD_TIMEOUT_MS })
  expect(r.exitCode, r.stderr).toBe(0)
  expect(r.stdout).toMatch(/^Usage: mlnode-bench <command>/)
}, PROCESS_TEST_TIMEOUT_MS)

it('says how to build when there is neither dist/ nor tsx', async () => {
  const root = await layout(false)
  const r = await execa(process.execPath, [join(root, 'bin', 'mlnode-bench.js'), '--help'], { reject: false, timeout: CHILD_TIMEOUT_MS })
  expect(r.exitCode).toBe(1)
  expect(r.stderr.trim()).toBe('mlnode-bench: the command is not built (no dist/) and tsx is not installed: run `npm run build`')
}, PROCESS_TEST_TIMEOUT_MS)
