import { execa } from 'execa'
import { fileURLToPath } from 'node:url'
import { describe, expect, it, onTestFinished, vi } from 'vitest'
import { getJson } from './helpers.js'
import { CHILD_TIMEOUT_MS, PROCESS_TEST_TIMEOUT_MS } from '../timeouts.js'

// Every test here runs the real CLI (tsx): a deadline against hangs, not a speed check.
vi.setConfig({ testTimeout: PROCESS_TEST_TIMEOUT_MS })

const root = fileURLToPath(new URL('../../', import.meta.url))

describe('mlnode-bench sim', () => {
  it('prints exactly one ready line, serves both ports, and stops cleanly on SIGTERM', async () => {
    const child = execa('node', ['--import', 'tsx', 'src/cli/main.ts', 'sim', '--speed', '10', '--hardware', '8xh100-sxm'], { cwd: root, reject: false, env: { MLNODE_SIM_SLOWDOWN: '2' } })
    onTestFinished(() => {
      if (child.exitCode === null) child.kill('SIGKILL')
    })
    const line = await new Promise<string>((resolve, reject) => {
      let out = ''
      child.stdout!.on('data', (d: Buffer) => {
        out += d.toString()
        if (out.includes('\n')) resolve(out.split('\n')[0]!)
      })
      child.once('exit', () => reject(new Error(`sim exited early: ${out}`)))
    })
    const m = /^mlnode: (http:\/\/127\.0\.0\.1:\d+) inference: (http:\/\/127\.0\.0\.1:\d+)$/.exec(line)
    expect(m).not.toBeNull()
    const health = await getJson(`${m![1]}/health`)
    expect(health.body.simulator).toMatchObject({ speed: 10, hardware: '8xh100-sxm', slowdown: 2 })
    expect(health.headers.get('x-mlnode-sim-speed')).toBe('10')
    expect((await getJson(`${m![2]}/v1/models`)).status).toBe(503)

    child.kill('SIGTERM')
    const result = await child
    expect(result.exitCode).toBe(0)
    expect(result.stdout.trim().split('\n')).toEqual([line])
  })

  it('rejects a bad option value with exit code 2 and a message naming it', async () => {
    const result = await execa('node', ['--import', 'tsx', 'src/cli/main.ts', 'sim', '--speed', 'fast'], { cwd: root, reject: false, timeout: CHILD_TIMEOUT_MS })
    expect(result.exitCode).toBe(2)
    expect(result.stderr).toContain('--speed must be a number > 0, got "fast"')
  })
})
