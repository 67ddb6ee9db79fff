import { afterEach, describe, expect, it, vi } from 'vitest'
import { run } from '../../src/cli/commands/plan.js'

afterEach(() => {
  vi.restoreAllMocks()
})

async function planJson(argv: string[]) {
  const out: string[] = []
  vi.spyOn(console, 'log').mockImplementation((line: unknown) => void out.push(String(line)))
  expect(await run([...argv, '--json'])).toBe(0)
  return JSON.parse(out.join('\n')) as {
    simulated: boolean
    ranked: Array<{ name: string; args: string[]; instances: number; score: number }>
    rejected: Array<{ name: string; kinds: string[]; reason: string }>
    cpuS: number
  }
}

describe('mlnode-bench plan', () => {
  it("QwQ-32B fp8 on the host box under MLNode's default config: both example-suite layouts on top, TP3 and OOM layouts rejected with reasons", async () => {
    const plan = await planJson(['--model', 'Qwen/QwQ-32B', '--hardware', '8xrtx-4070-ti-super', '--mandatory-args', '--quantization fp8 --kv-cache-dtype fp8', '--top', '5'])
    expect(plan.simulated).toBe(true)
    // benchmarks/qwq-32b.bench.ts compares tp8-pp1 and tp4-pp2; its winner under the compressa
    // loads is tp4-pp2 (docs/perf-model.md §5), which must be among the 2 best layouts (knob
    // variants of a layout, e.g. a smaller max_num_seqs, may rank between them).
    const layouts = [...new Set(plan.ranked.map((r) => /^tp\d+-pp\d+/.exec(r.name)![0]))]
    expect(layouts.slice(0, 2)).toContain('tp4-pp2')
    expect(plan.ranked[0]!.score).toBeGreaterThanOrEqual(plan.ranked[1]!.score)
    const rejected = new Map(plan.rejected.map((r) => [r.name, r]))
    expect(rejected.get('tp3-pp1')!.kinds).toContain('heads')
    expect(rejected.get('tp3-pp1')!.reason).toContain('Total number of attention heads (40) must be divisible by tensor parallel size (3)')
    expect(rejected.get('tp1-pp1')!.kinds).toEqual(['oom'])
    expect(rejected.get('tp2-pp1')!.reason).toMatch(/CUDA out of memory/)
  })

  it('mandatory args that fix the layout leave only that layout; the others are refused by the guard', async () => {
    const plan = await planJson(['--model', 'Qwen/Qwen2.5-7B-Instruct', '--gpu', 'rtx-3090', '--gpus', '2', '--mandatory-args', '--quantization fp8 -tp 2', '--workloads', 'test/fixtures/plan/tiny.yml'])
    expect(plan.ranked.map((r) => r.name)).toEqual(['tp2-pp1'])
    expect(plan.rejected.find((r) => r.name === 'tp1-pp1')).toMatchObject({ kinds: ['guard'] })
  })

  it.each([
    [['--objective', 'fastest'], /--objective must be one of throughput, goodput, per-gpu, capacity, got "fastest"/],
    [['--objective', 'goodput'], /--objective goodput needs --slo/],
    [['--slo', 'ttft<2000'], /--slo part "ttft<2000" must be ttft=<ms>/],
    [['--gpu', 'rtx-9999', '--gpus', '2'], /--gpu "rtx-9999" is not a catalog GPU/],
  ])('%j is a usage error (exit code 2) naming the option and value', async (extra, message) => {
    await expect(run(['--model', 'Qwen/Qwen2.5-7B-Instruct', ...extra])).rejects.toMatchObject({ code: 'MLNB_USAGE', message: expect.stringMatching(message) })
  })
})
