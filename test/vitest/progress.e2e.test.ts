/**
 * Live progress in a REAL `vitest bench --run` of a long simulated workload: plain lines when the
 * output is a pipe (CI logs), one line redrawn in place when it is a terminal (run under
 * `script`, which gives it a pseudo-terminal), and nothing under --silent.
 */
import { execSync } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { execa } from 'execa'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CHILD_TIMEOUT_MS, PROCESS_TEST_TIMEOUT_MS } from '../timeouts.js'

const repo = fileURLToPath(new URL('../../', import.meta.url))
const vitestBin = join(repo, 'node_modules/vitest/vitest.mjs')
const args = [vitestBin, 'bench', '--run', '--config', 'test/fixtures/suites/vitest.config.ts', 'long-progress']
let base: string
beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'mlnb-progress-'))
})
afterAll(() => rm(base, { recursive: true, force: true }))

const env = (name: string) => ({ MLNB_TEST_OUT: join(base, name), MLNODE_SIM_LOG: join(base, name, 'simulator.log'), MLNODE_URL: '', NO_COLOR: '1', FORCE_COLOR: '0', MLNODE_BENCH_PROGRESS_S: '0.05' })
const LINE = /\[Qwen\/Qwen2\.5-7B-Instruct tp1\] long: (\d+)\/240 requests done, \d+ in flight, 0 failed, [\d.]+ out tok\/s, \d+ s elapsed(, ETA \d+ (s|min))?/g
const hasScript = (() => {
  try {
    execSync('script --version', { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
})()

describe('progress of a long workload in vitest bench output', () => {
  it('a pipe gets plain lines with the counts, in order, before the result line', async () => {
    const r = await execa(process.execPath, args, { cwd: repo, reject: false, timeout: CHILD_TIMEOUT_MS, env: env('plain') })
    const output = `${r.stdout}\n${r.stderr}`
    expect(r.exitCode, output).toBe(0)
    const lines = output.split('\n').filter((l) => l.includes('requests done'))
    expect(lines.length, output).toBeGreaterThanOrEqual(2)
    for (const line of lines) expect(line).toMatch(new RegExp(`^${LINE.source}$`))
    expect(output).not.toContain('\r')
    const done = lines.map((l) => Number(/(\d+)\/240/.exec(l)![1]))
    expect(done).toEqual([...done].sort((a, b) => a - b))
    expect(output.indexOf(lines[0]!)).toBeLessThan(output.indexOf('✓ Qwen/Qwen2.5-7B-Instruct › tp1 › long'))
  }, PROCESS_TEST_TIMEOUT_MS)

  it.skipIf(!hasScript)('a terminal gets one line redrawn in place, ended before the result line', async () => {
    const command = [process.execPath, ...args].map((a) => `'${a}'`).join(' ')
    const r = await execa('script', ['-qec', command, '/dev/null'], { cwd: repo, reject: false, timeout: CHILD_TIMEOUT_MS, env: env('tty') })
    expect(r.exitCode, r.stdout).toBe(0)
    const redraws = [...r.stdout.matchAll(/\r(\[Qwen[^\r\n]*?requests done[^\r\n]*?)\x1b\[K/g)].map((m) => m[1]!)
    expect(redraws.length, JSON.stringify(r.stdout.slice(0, 3000))).toBeGreaterThanOrEqual(2)
    for (const line of redraws) expect(line).toMatch(new RegExp(`^${LINE.source}$`))
    // The redrawn line is ended by a newline before the next output (the result line).
    expect(r.stdout).toMatch(/requests done[^\n]*\x1b\[K\r?\n[^\n]*✓ Qwen\/Qwen2\.5-7B-Instruct › tp1 › long/)
  }, PROCESS_TEST_TIMEOUT_MS)

  it('--silent prints no progress', async () => {
    const r = await execa(process.execPath, [...args, '--silent'], { cwd: repo, reject: false, timeout: CHILD_TIMEOUT_MS, env: env('silent') })
    expect(r.exitCode, r.stdout).toBe(0)
    expect(`${r.stdout}\n${r.stderr}`).not.toContain('requests done')
  }, PROCESS_TEST_TIMEOUT_MS)
})
