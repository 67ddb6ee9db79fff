/** `plan --objective capacity --sweep …` in process: layouts ranked by their predicted capacity at SLO. */
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { run } from '../../src/cli/commands/plan.js'
import { sweepLoads } from '../../src/sweep/spec.js'
import { useTempDir } from '../temp-dir.js'

const tempDir = useTempDir('mlnb-plan-capacity-')
const YAML = `- model_name: Qwen/Qwen2.5-7B-Instruct
  experiment_name: "chat 8000 chars"
  description: "one chat workload"
  generate_prompts: true
  num_prompts: 40
  prompt_length: 8000
  num_tasks: 40
  num_runners: 16
  max_tokens: 100
  seed: 1
`

afterEach(() => vi.restoreAllMocks())

async function plan(extra: string[]): Promise<string> {
  const file = join(tempDir(), 'workloads.yml')
  await writeFile(file, YAML)
  const out: string[] = []
  vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')))
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true)
  await run(['--hardware', '4xrtx-3090', '--model', 'Qwen/Qwen2.5-7B-Instruct', '--mandatory-args', '--quantization fp8', '--workloads', file, ...extra])
  return out.join('\n')
}

describe('mlnode-bench plan --objective capacity', () => {
  it('ranks the layouts by the capacity at SLO their sweep predicts', async () => {
    const report = JSON.parse(await plan(['--objective', 'capacity', '--sweep', 'rate:0.5:2:4', '--slo', 'ttft=2000,tpot=50', '--json'])) as { objective: string; ranked: Array<{ name: string; score: number }> }
    expect(report.objective).toBe('capacity')
    const scores = report.ranked.map((r) => r.score)
    expect(scores).toEqual([...scores].sort((a, b) => b - a))
    // One workload: the score is a load of the sweep, and the layouts do not all tie.
    const loads = sweepLoads({ over: 'rate', from: 0.5, to: 2, steps: 4 })
    expect(loads).toContain(scores[0])
    expect(scores.at(-1)!).toBeLessThan(scores[0]!)
  }, 60_000)

  it('needs both --sweep and --slo', async () => {
    await expect(plan(['--objective', 'capacity', '--slo', 'ttft=2000'])).rejects.toThrow(/--objective capacity needs --sweep/)
    await expect(plan(['--objective', 'capacity', '--sweep', 'rate:1:2:2'])).rejects.toThrow(/--objective capacity needs --slo/)
    await expect(plan(['--sweep', 'rate:1:2:2', '--slo', 'ttft=2000'])).rejects.toThrow(/--sweep ranks by capacity: add --objective capacity/)
  })
})
