/**
 * vLLM's start-up lines: parsed from real log samples (test/fixtures/vllm-startup/README.md cites
 * each), and read after a deploy with a suite's logCommand from the simulator's log, printed beside
 * the performance model's figures for the variant.
 */
import { consoleInto } from '../run/console-lines.js'
import { appendFileSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it, onTestFinished } from 'vitest'
import { parseVllmArgs, planDeploy } from '../../src/args/index.js'
import { getHardwareProfile } from '../../src/model/index.js'
import { MlnodeTarget } from '../../src/run/mlnode-target.js'
import type { DeployRequest } from '../../src/run/target.js'
import { startSimulator } from '../../src/sim/index.js'
import { parseVllmStartup, predictStartup } from '../../src/telemetry/vllm-startup.js'
import { startupLine } from '../../src/report/startup-text.js'
import { useTempDir } from '../temp-dir.js'
import { passedResult } from '../fixtures/reporters-shared/make-results.js'
import { renderMarkdown } from '../../src/report/markdown.js'
import { renderComparison } from '../../src/report/comparison.js'
import { diffResults } from '../../src/report/diff.js'
import { benchResultSchema } from '../../src/contracts/schema/results-schema.js'
import { renderJUnit } from '../../src/report/junit.js'

const sample = (file: string) => readFileSync(new URL(`../fixtures/vllm-startup/${file}`, import.meta.url), 'utf8').split('\n')
const dir = useTempDir('mlnb-startup-')

describe("vLLM's start-up lines", () => {
  it('reads KV cache size, concurrency, KV memory and weights of a V1 engine', () => {
    const s = parseVllmStartup(sample('vllm-pr-29335.log'))
    expect(s).toMatchObject({ kvCacheTokens: 1_587_648, maxConcurrency: 775.22, maxConcurrencyAtTokens: 2048, availableKvCacheGiB: 33.31, modelLoadingGiB: 2.0513, unavailable: [] })
    expect(s.lines).toHaveLength(4)
  })

  it('reads a TP engine whose workers and engine core interleave, with other lines between', () => {
    const s = parseVllmStartup(sample('vllm-issue-28228-tp2.log'))
    expect(s).toMatchObject({ kvCacheTokens: 75_840, maxConcurrency: 2.48, maxConcurrencyAtTokens: 120_000, availableKvCacheGiB: 2.3 })
    // The repeated concurrency line is kept once; the torch.compile and padding lines are not figures.
    expect(s.lines).toHaveLength(3)
  })

  it('reads CUDA-graph memory, captured and estimated', () => {
    expect(parseVllmStartup(sample('vllm-pr-11349.log')).cudaGraphGiB).toBe(0.21)
    const estimate = parseVllmStartup(sample('gpustack-runner-251.log'))
    expect(estimate).toMatchObject({ cudaGraphEstimateGiB: 0.36, availableKvCacheGiB: 6.87 })
    expect(estimate.unavailable).toEqual(['no "GPU KV cache size" line in the log (vLLM V1 logs it at start-up; is the log its own?)'])
  })

  it("reads only the current deploy's lines (after MLNode's last \"instances to start\")", () => {
    const log = ['instances to start: 1', ...sample('vllm-issue-28228-tp2.log'), 'INFO runner: instances to start: 2', ...sample('vllm-pr-29335.log')]
    expect(parseVllmStartup(log).kvCacheTokens).toBe(1_587_648)
    expect(parseVllmStartup([...log, 'instances to start: 1']).kvCacheTokens).toBeUndefined()
  })

  it("sets the model's figures beside vLLM's, with the ratio", () => {
    const args = parseVllmArgs(['--kv-cache-dtype', 'fp8', '--quantization', 'fp8', '-tp', '8', '--max-model-len', '2048'])
    const predicted = predictStartup(getHardwareProfile('8xrtx-4070-ti-super'), 'Qwen/QwQ-32B', planDeploy('Qwen/QwQ-32B', args), 'float16')!
    expect(predicted.maxModelLen).toBe(2048)
    expect(predicted.kvCacheTokens).toBeGreaterThan(0)
    expect(predicted.maxConcurrency).toBeCloseTo(predicted.kvCacheTokens / 2048, 2)
    // The sample's server ran another model: only how the line sets the two side by side is checked here.
    const s = { ...parseVllmStartup(sample('vllm-pr-29335.log')), predicted }
    const line = startupLine(s)
    expect(line).toContain(`GPU KV cache 1,587,648 tokens (model ${predicted.kvCacheTokens.toLocaleString('en-US')} tokens, ×${(1_587_648 / predicted.kvCacheTokens).toFixed(2)})`)
    expect(line).toMatch(/max concurrency at 2,048 tokens 775\.22x \(model [\d.]+x, ×[\d.]+\)/)
    expect(line).toMatch(/KV memory\/GPU 33\.31 GiB \(model [\d.]+ GiB, ×[\d.]+\), weights\/GPU 2\.05 GiB \(model [\d.]+ GiB/)
    expect(predictStartup(getHardwareProfile('8xrtx-4070-ti-super'), 'no/such-model', planDeploy('Qwen/QwQ-32B', args), 'float16')).toBeUndefined()
  })
})

describe('start-up lines after a deploy (logCommand)', () => {
  it("the simulator's log, read after ready, is printed beside the model's prediction and kept for the variant", async () => {
    const logFile = join(dir(), 'mlnode.log')
    const sim = await startSimulator({ clock: 'virtual', log: (line) => appendFileSync(logFile, `${line}\n`) })
    onTestFinished(() => sim.close())
    const printed: string[] = []
    const target = new MlnodeTarget({ mgmtUrl: sim.mgmtUrl, inferenceUrl: sim.inferenceUrl }, consoleInto(printed))
    onTestFinished(() => target.client.close())
    const args = parseVllmArgs(['--kv-cache-dtype', 'fp8', '--quantization', 'fp8', '-tp', '4', '-pp', '2'])
    const request: DeployRequest = { model: 'Qwen/QwQ-32B', dtype: 'float16', variant: { name: 'tp4-pp2', ...planDeploy('Qwen/QwQ-32B', args) }, deployTimeoutS: 600, logCommand: ['cat', logFile] }
    const deployed = await target.ready(request)
    const s = deployed.vllmStartup!
    expect(s.lines.every((l) => l.startsWith('(simulated vLLM replica 0) INFO'))).toBe(true)
    // The simulator logs its own plan, which is the model's: they agree exactly.
    expect(s.kvCacheTokens).toBe(s.predicted!.kvCacheTokens)
    expect(s.maxConcurrencyAtTokens).toBe(s.predicted!.maxModelLen)
    // Kept with each of the variant's results: schema-valid, in summary.md's table and the comparison.
    const result = { ...passedResult('Qwen/QwQ-32B', 'tp4-pp2', 'chat', { target: { kind: 'simulated', hardware: '8xrtx-4070-ti-super', simulatedTime: true } }), vllmStartup: s }
    expect(benchResultSchema.safeParse(JSON.parse(JSON.stringify(result))).success).toBe(true)
    const md = renderMarkdown(diffResults(undefined, [result]))
    expect(md).toContain('### vLLM start-up vs model')
    const kv = s.kvCacheTokens!.toLocaleString('en-US')
    expect(md).toContain(`| Qwen/QwQ-32B › tp4-pp2 (simulated) | ${kv} / ${kv} |`)
    expect(renderComparison([result])).toContain('tp4-pp2 vLLM start-up (simulated log): GPU KV cache')
    const xml = renderJUnit([result])
    expect(xml).toContain(`<property name="simulated_vllm_kv_cache_tokens" value="${s.kvCacheTokens}"/>`)
    expect(xml).toContain(`<property name="model_kv_cache_tokens" value="${s.predicted!.kvCacheTokens}"/>`)
    expect(printed.find((l) => l.includes('vLLM start-up'))).toMatch(/^\[Qwen\/QwQ-32B tp4-pp2\] vLLM start-up \(simulated log\): GPU KV cache [\d,]+ tokens \(model [\d,]+ tokens, ×1\.00\), max concurrency at [\d,]+ tokens [\d.]+x \(model [\d.]+x, ×1\.00\)/)
  })

  it('a log command that fails is said, and the deploy still succeeds', async () => {
    const sim = await startSimulator({ clock: 'virtual' })
    onTestFinished(() => sim.close())
    const target = new MlnodeTarget({ mgmtUrl: sim.mgmtUrl, inferenceUrl: sim.inferenceUrl })
    onTestFinished(() => target.client.close())
    const args = parseVllmArgs(['--kv-cache-dtype', 'fp8', '--quantization', 'fp8', '-tp', '8'])
    const request: DeployRequest = { model: 'Qwen/QwQ-32B', dtype: 'float16', variant: { name: 'tp8', ...planDeploy('Qwen/QwQ-32B', args) }, deployTimeoutS: 600, logCommand: ['cat', join(dir(), 'missing.log')] }
    const deployed = await target.ready(request)
    expect(deployed.vllmStartup?.unavailable[0]).toMatch(/^log command cat .*missing\.log exited 1: cat: .*No such file or directory$/)
  })
})
