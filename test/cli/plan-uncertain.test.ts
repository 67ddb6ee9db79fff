/** `plan` never drops a layout on an uncertain memory margin: it ranks it, marked "may not start". */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { run } from '../../src/cli/commands/plan.js'
import { run as predict } from '../../src/cli/commands/predict.js'
import { networkModelEntry } from '../../src/network/registry.js'

afterEach(() => {
  vi.restoreAllMocks()
})

async function planJson(argv: string[]) {
  const out: string[] = []
  vi.spyOn(console, 'log').mockImplementation((line: unknown) => void out.push(String(line)))
  expect(await run([...argv, '--workloads', 'test/fixtures/plan/tiny.yml', '--json'])).toBe(0)
  return JSON.parse(out.join('\n')) as { ranked: Array<{ name: string; args: string[]; mayNotStart?: string }>; rejected: Array<{ name: string; kinds: string[] }> }
}

describe('mlnode-bench plan for a network model', () => {
  it("takes the chain's args for a network model when --mandatory-args is not given, and says where they come from", async () => {
    const out: string[] = []
    vi.spyOn(console, 'log').mockImplementation((line: unknown) => void out.push(String(line)))
    expect(await run(['--model', 'MiniMaxAI/MiniMax-M2.7', '--hardware', '2xh200', '--workloads', 'test/fixtures/plan/tiny.yml'])).toBe(0)
    const text = out.join('\n')
    expect(text).toContain(`mandatory args: ${networkModelEntry('MiniMaxAI/MiniMax-M2.7').modelArgs.join(' ')} (the chain's args for MiniMaxAI/MiniMax-M2.7 (snapshot, chain v0.2.13`)
    // With the chain's fp8 KV cache and 180,000-token limit, TP2 fits the two H200s (it did not at the model's own 204,800 in bf16).
    expect(text).toMatch(/^1 {2}tp2-pp1/m)
  })
})

describe('mlnode-bench plan and uncertain margins', () => {
  it('Qwen3-235B-A22B-Instruct-2507-FP8 on 8xH100: the published TP4 layout is not dropped for a KV margin the model may have wrong; TP8 runs with expert parallelism', async () => {
    // As GPUStack published it (`vllm serve … -tp 4`): no chain args, the model's own 262,144 max model len.
    const plan = await planJson(['--model', 'Qwen/Qwen3-235B-A22B-Instruct-2507-FP8', '--hardware', '8xh100-sxm', '--mandatory-args', ''])
    // The measured defect: "11.75 GiB KV cache is needed, which is larger than the available" refused TP4.
    expect(plan.ranked.find((r) => r.name === 'tp4-pp1')?.mayNotStart).toMatch(/kv-too-small: predicted short by \d\.\d\d GiB per GPU.*\(11\.75 GiB KV cache is needed/)
    // Block-FP8 expert shards of 192 do not divide block_n 128 at TP8: refused as such, tried with EP.
    expect(plan.rejected.find((r) => r.name === 'tp8-pp1')?.kinds).toEqual(['block-quant'])
    expect(plan.ranked.find((r) => r.name === 'tp8-pp1-ep')?.args).toEqual(['-tp', '8', '--enable-expert-parallel'])
    // EP is only tried where it is the fix: TP7 breaks the head rules.
    expect(plan.rejected.some((r) => r.name === 'tp7-pp1-ep')).toBe(false)
  })

  it('Qwen3-235B-A22B on 8xH100 at gpu_memory_utilization 0.81: TP8 ranked as "may not start", a shortfall beyond the error rejected', async () => {
    const out: string[] = []
    vi.spyOn(console, 'log').mockImplementation((line: unknown) => void out.push(String(line)))
    expect(await run(['--model', 'Qwen/Qwen3-235B-A22B', '--hardware', '8xh100', '--mandatory-args', '--gpu-memory-utilization 0.81', '--workloads', 'test/fixtures/plan/tiny.yml', '--json'])).toBe(0)
    const plan = JSON.parse(out.join('\n')) as { ranked: Array<{ name: string; mayNotStart?: string }>; rejected: Array<{ name: string; kinds: string[] }> }
    const tp8 = plan.ranked.find((r) => r.name === 'tp8-pp1')
    expect(tp8?.mayNotStart).toMatch(/^kv-too-small: predicted short by 0\.\d\d GiB per GPU, within the memory model's known error of ±\d\.\d\d GiB per GPU/)
    // TP4 x PP2 has KV to spare: no mark.
    expect(plan.ranked.find((r) => r.name === 'tp4-pp2')?.mayNotStart).toBeUndefined()
    // PP7 is ~10 GiB per GPU short of KV memory, beyond the error: refused; PP5's weights exceed an H100.
    expect(plan.rejected.find((r) => r.name === 'tp1-pp7')?.kinds).toEqual(['no-kv-memory'])
    expect(plan.rejected.find((r) => r.name === 'tp1-pp5')?.kinds).toEqual(['oom'])
    expect(plan.rejected.find((r) => r.name === 'tp7-pp1')?.kinds).toEqual(['heads', 'kv-heads'])
  })

  it('predict prices a variant that may not start, with the warning on stderr and in the JSON; a certain problem still refuses', async () => {
    const out: string[] = []
    const err: string[] = []
    vi.spyOn(console, 'log').mockImplementation((line: unknown) => void out.push(String(line)))
    vi.spyOn(console, 'error').mockImplementation((line: unknown) => void err.push(String(line)))
    const base = ['--model', 'Qwen/Qwen3-235B-A22B', '--hardware', '8xh100-sxm', '--prompt-tokens', '1000', '--max-tokens', '20', '--requests', '4', '--json']
    expect(await predict([...base, '--args', '-tp 8 --gpu-memory-utilization 0.81'])).toBe(0)
    const figures = JSON.parse(out.join('\n')) as { mayNotStart?: string; output_tokens_per_s: number }
    expect(figures.mayNotStart).toMatch(/^kv-too-small: predicted short by 0\.\d\d GiB per GPU/)
    expect(figures.output_tokens_per_s).toBeGreaterThan(0)
    expect(err.join('\n')).toMatch(/predict: WARNING: may not start on 8xh100-sxm: kv-too-small/)
    await expect(predict([...base, '--args', '-tp 2'])).rejects.toMatchObject({ message: expect.stringMatching(/CUDA out of memory.*218\.\d\d GiB of weights per GPU/) })
  })
})
