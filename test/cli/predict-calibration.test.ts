/** `predict --calibration` through the CLI's entry point (in process): its figures change and its header names the file. */
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { runCli } from '../helpers/run-cli.js'
import { describe, expect, it, vi } from 'vitest'
import { useTempDir } from '../temp-dir.js'
import { PROCESS_TEST_TIMEOUT_MS } from '../timeouts.js'

// Every test here runs whole CLI commands (in process): a deadline against hangs, not a speed check.
vi.setConfig({ testTimeout: PROCESS_TEST_TIMEOUT_MS })

const tempDir = useTempDir('mlnb-predict-calibration-')
const predict = (extra: string[]) =>
  runCli(['predict', '--hardware', '1xrtx-4090', '--model', 'Qwen/Qwen2.5-7B-Instruct', '--args', '--quantization fp8', '--prompt-tokens', '500', '--max-tokens', '20', '--requests', '4', '--concurrency', '2', ...extra])

describe('mlnode-bench predict --calibration', () => {
  it('says in its header which constants made the figures', async () => {
    const file = join(tempDir(), 'calibration.json')
    // A box twice as slow per step as the defaults assume, in the format `calibrate` writes.
    const calibration = { calibration: 1, hardware: '1xrtx-4090', model: 'Qwen/Qwen2.5-7B-Instruct', constants: { mbuWeights: 0.4, stepOverheadS: 0.004 }, fit: { points: 1, medianErrorFactor: 1 } }
    await writeFile(file, JSON.stringify(calibration))
    // One at a time: in-process calls swap the console.
    const plain = await predict([])
    const calibrated = await predict(['--calibration', file])
    expect(plain.exitCode, plain.stderr).toBe(0)
    expect(calibrated.exitCode, calibrated.stderr).toBe(0)
    expect(plain.stdout.split('\n')[0]).toMatch(/args "--quantization fp8"; uncalibrated$/)
    expect(calibrated.stdout.split('\n')[0]).toMatch(new RegExp(`args "--quantization fp8"; calibration ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`))
    expect(calibrated.stdout.split('\n').at(-1)).not.toBe(plain.stdout.split('\n').at(-1))
  })
})
