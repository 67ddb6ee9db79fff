/** plan --objective goodput: a workload out of the SLO's reach is named, and the written suite keeps the SLO. */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, expect, it, vi } from 'vitest'
import { run } from '../../src/cli/commands/plan.js'
import { useTempDir } from '../temp-dir.js'

const dir = useTempDir('mlnb-plan-goodput-')
afterEach(() => vi.restoreAllMocks())

it('names the workload no variant serves within the SLO, and writes the SLO into the suite', async () => {
  const out: string[] = []
  vi.spyOn(console, 'log').mockImplementation((line: unknown) => void out.push(String(line)))
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true)
  const suite = join(dir(), 'planned.bench.ts')
  const argv = ['--model', 'Qwen/Qwen2.5-7B-Instruct', '--gpu', 'rtx-3090', '--gpus', '2', '--mandatory-args', '--quantization fp8', '--workloads', 'test/fixtures/plan/tiny.yml']
  expect(await run([...argv, '--objective', 'goodput', '--slo', 'ttft=1', '--write-suite', suite])).toBe(0)
  const text = out.join('\n')
  expect(text).toMatch(/Note: on "short, 4 runners", "long, 1 runner" no ranked variant is predicted to serve any request within the SLO, so every goodput score \(a geometric mean over the workloads\) is 0/)
  expect(await readFile(suite, 'utf8')).toContain('  slo: { ttftMs: 1 },')
})

it('refuses an SLO bound of 0 ms and a key given twice', async () => {
  const err = vi.spyOn(console, 'error').mockImplementation(() => {})
  const { main } = await import('../../src/cli/main.js')
  expect(await main(['plan', '--model', 'Qwen/QwQ-32B', '--objective', 'goodput', '--slo', 'ttft=0'])).toBe(2)
  expect(await main(['plan', '--model', 'Qwen/QwQ-32B', '--objective', 'goodput', '--slo', 'ttft=100,ttft=200'])).toBe(2)
  const text = err.mock.calls.map((c) => c.join(' ')).join('\n')
  expect(text).toContain('--slo part "ttft=0": the bound must be > 0 ms')
  expect(text).toContain('--slo "ttft=100,ttft=200" sets ttft twice')
})
