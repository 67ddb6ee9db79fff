import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { hasCode } from '../../src/errors.js'
import { compressaDefaultConfigPath, loadCompressaConfig, parseCompressaConfig, runWorkload } from '../../src/load/index.js'
import { summarize } from '../../src/metrics/index.js'
import { startFakeVllm, type FakeVllm } from './helpers/server.js'

const CONFIG = `
- model_name: Qwen/Qwen2.5-7B-Instruct
  experiment_name: short
  description: "two runners"
  generate_prompts: true
  num_prompts: 3
  prompt_length: 400
  num_tasks: 6
  num_runners: 2
  max_tokens: 5
  seed: 1
  node_url: "http://localhost:5000"
  account_address: "gonka"
- model_name: Qwen/Qwen2.5-7B-Instruct
  experiment_name: from-file
  description: ""
  prompts_file: prompts.csv
  prompt_length: 10
  num_tasks: 3
  num_runners: 3
  max_tokens: 4
`

let server: FakeVllm | undefined
let dir: string | undefined
afterEach(async () => {
  await server?.close()
  if (dir !== undefined) await rm(dir, { recursive: true, force: true })
  server = dir = undefined
})

describe('compressa-perf YAML', () => {
  it('ships MLNode default config with its 6 experiments', async () => {
    const specs = await loadCompressaConfig(compressaDefaultConfigPath)
    expect(specs.map((s) => [s.prompt, s.requests, s.concurrency, s.maxTokens])).toEqual([
      [{ chars: 20000, count: 10 }, 5, 1, 300],
      [{ chars: 2000, count: 100 }, 200, 30, 300],
      [{ chars: 45000, count: 10 }, 5, 1, 1000],
      [{ chars: 45000, count: 10 }, 10, 5, 1000],
      [{ chars: 45000, count: 20 }, 40, 20, 1000],
      [{ chars: 45000, count: 40 }, 60, 10, 1000],
    ])
    expect(specs.every((s) => s.temperature === 0.8 && s.endpoint === 'chat')).toBe(true)
  })

  it('accepts one object instead of a list', () => {
    const [spec] = parseCompressaConfig('model_name: m\nexperiment_name: e\ndescription: d\nnum_tasks: 2\nnum_runners: 1\ngenerate_prompts: true\nnum_prompts: 1\nprompt_length: 10\nmax_tokens: 3\n', '/x/one.yml')
    expect(spec).toMatchObject({ name: 'e', requests: 2, concurrency: 1, seed: 42 })
  })

  it.each([
    ['unknown key', 'model_name: m\nexperiment_name: e\ndescription: d\nnum_tasks: 2\nnum_runners: 1\nmax_token: 3\n', /bad\.yml: experiment "e": max_token is not a compressa-perf/],
    ['missing key', 'model_name: m\nexperiment_name: e\nnum_tasks: 2\nnum_runners: 1\n', /bad\.yml: experiment "e": description is required/],
    ['bad value', '- model_name: m\n  experiment_name: e\n  description: d\n  num_tasks: 0\n  num_runners: 1\n', /bad\.yml: experiment "e": num_tasks = 0 must be an integer ≥ 1/],
    ['no prompts', 'model_name: m\nexperiment_name: e\ndescription: d\nnum_tasks: 2\nnum_runners: 1\nmax_tokens: 3\n', /prompts_file is required when generate_prompts is false/],
    ['bad YAML', 'model_name: [\n', /bad\.yml line \d+: not valid YAML/],
  ])('rejects %s naming file, experiment and key', (_label, text, message) => {
    let error: unknown
    try {
      parseCompressaConfig(text, '/cfg/bad.yml')
    } catch (e) {
      error = e
    }
    expect(hasCode(error, 'MLNB_CONFIG')).toBe(true)
    expect((error as Error).message).toMatch(message)
  })

  it('runs end to end against a loopback server and reports both name sets, recomputable by hand', async () => {
    server = await startFakeVllm({ prefillMs: 15, tokenMs: 3 })
    dir = await mkdtemp(join(tmpdir(), 'mlnb-compressa-'))
    await writeFile(join(dir, 'prompts.csv'), 'first prompt is long,x\n"second, quoted",y\nthird\n')
    await writeFile(join(dir, 'config.yml'), CONFIG)
    const specs = await loadCompressaConfig(join(dir, 'config.yml'))
    expect(specs).toHaveLength(2)

    for (const spec of specs) {
      const run = await runWorkload({ baseUrl: server.url, model: 'm' }, spec)
      const m = summarize(run)
      const ok = run.records.filter((r) => !r.warmup && r.failure === undefined)
      expect(ok).toHaveLength(spec.requests)
      expect(m.requests.completed).toBe(spec.requests)
      expect(ok.every((r) => r.completionTokens === spec.maxTokens)).toBe(true)

      // compressa-perf names, recomputed from the per-request records (seconds).
      const s = (ms: number) => ms / 1000
      const ttfts = ok.map((r) => s(r.firstChunkAtMs! - r.sentAtMs)).sort((a, b) => a - b)
      const lats = ok.map((r) => s(r.endAtMs - r.sentAtMs)).sort((a, b) => a - b)
      const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0)
      const span = s(Math.max(...ok.map((r) => r.endAtMs)) - Math.min(...ok.map((r) => r.sentAtMs)))
      const q95 = (xs: number[]) => {
        const i = 0.95 * (xs.length - 1)
        const lo = Math.floor(i)
        return lo + 1 >= xs.length ? xs[lo]! : xs[lo]! + (xs[lo + 1]! - xs[lo]!) * (i - lo)
      }
      const out = sum(ok.map((r) => r.completionTokens))
      expect(m.compressa.TTFT).toBeCloseTo(sum(ttfts) / ok.length, 9)
      expect(m.compressa.LATENCY).toBeCloseTo(sum(lats) / ok.length, 9)
      expect(m.compressa.TPOT).toBeCloseTo(sum(lats) / out, 9)
      expect(m.compressa.RPS).toBeCloseTo(ok.length / span, 9)
      expect(m.compressa.THROUGHPUT_INPUT_TOKENS).toBeCloseTo(sum(ok.map((r) => r.promptTokens)) / span, 9)
      expect(m.compressa.THROUGHPUT_OUTPUT_TOKENS).toBeCloseTo(out / span, 9)
      expect(m.compressa.TTFT_95).toBeCloseTo(q95(ttfts), 9)
      expect(m.compressa.LATENCY_95).toBeCloseTo(q95(lats), 9)

      // vLLM names, recomputed the same way (ms).
      const vttft = ok.map((r) => r.contentChunkAtMs[0]! - r.sentAtMs)
      const tpot = ok.map((r) => (r.contentChunkAtMs.at(-1)! - r.contentChunkAtMs[0]!) / (r.completionTokens - 1))
      expect(m.ttftMs.meanMs).toBeCloseTo(sum(vttft) / ok.length, 9)
      expect(m.tpotMs.meanMs).toBeCloseTo(sum(tpot) / ok.length, 9)
      expect(m.itlMs.count).toBe(ok.length * (spec.maxTokens - 1))
      expect(m.durationS).toBeCloseTo((run.endedAtMs - run.startedAtMs) / 1000, 12)
      expect(m.outputTokensPerS).toBeCloseTo(out / m.durationS, 9)
    }
    // The compressa request shape: chat, stream with usage, temperature 0.8, prompt truncated to prompt_length.
    const fileBodies = server.bodies.filter((b) => b?.max_tokens === 4)
    expect(fileBodies.every((b) => b.temperature === 0.8 && b.stream === true && b.stream_options.include_usage === true)).toBe(true)
    expect(fileBodies).toHaveLength(3)
    expect(fileBodies.every((b) => ['first prom', 'second, qu', 'third'].includes(b.messages[0].content))).toBe(true)
    const generated: string[] = server.bodies.filter((b) => b?.max_tokens === 5).map((b) => b.messages[0].content as string)
    expect(generated.every((p) => p.length === 400 && /^[0-2] /.test(p))).toBe(true)
  })
})
