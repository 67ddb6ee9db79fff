/**
 * Runs REAL vitest bench on the suites of test/fixtures/suites (and the repo's broken suite)
 * against the embedded simulator, and checks what a user sees: exit code, console, results.json.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { execa } from 'execa'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { BenchResult, RunResults } from '../../src/contracts/results.js'
import { validateJUnit } from '../report/xmllint.js'
import { CHILD_TIMEOUT_MS, PROCESS_TEST_TIMEOUT_MS } from '../timeouts.js'

const repo = fileURLToPath(new URL('../../', import.meta.url))
const vitestBin = join(repo, 'node_modules/vitest/vitest.mjs')
let base: string
let runs = 0

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'mlnb-suites-'))
})
afterAll(async () => {
  await rm(base, { recursive: true, force: true })
})

async function bench(args: string[], extraEnv: Record<string, string> = {}) {
  const out = join(base, String(runs++))
  const r = await execa(process.execPath, [vitestBin, 'bench', '--run', '--config', 'test/fixtures/suites/vitest.config.ts', ...args], {
    cwd: repo,
    reject: false,
    timeout: CHILD_TIMEOUT_MS,
    env: { MLNB_TEST_OUT: out, MLNODE_SIM_LOG: join(out, 'simulator.log'), MLNODE_URL: '', NO_COLOR: '1', FORCE_COLOR: '0', ...extraEnv },
  })
  const results = await readFile(join(out, 'results.json'), 'utf8').then((t) => (JSON.parse(t) as RunResults).results, () => [] as BenchResult[])
  const find = (variant: string, workload: string) => results.find((x) => x.variant === variant && x.workload === workload)
  return { exitCode: r.exitCode, output: `${r.stdout}\n${r.stderr}`, results, find, out }
}

describe('deployment suites run by real vitest against the embedded simulator', () => {
  it('a passing suite: every variant x workload measured, simulated, compared, exit 0', async () => {
    const r = await bench(['passing'])
    expect(r.exitCode, r.output).toBe(0)
    expect(r.results.map((x) => `${x.variant} › ${x.workload}`).sort()).toEqual(['tp1 › tiny', 'tp1 › tiny-open', 'tp2 › tiny', 'tp2 › tiny-open'])
    for (const x of r.results) {
      expect(x.status).toBe('passed')
      expect(x.target).toMatchObject({ kind: 'simulated', hardware: '4xrtx-3090', simulatedTime: true })
      expect(x.metrics!.requests).toMatchObject({ total: 4, completed: 4, failed: 0 })
      expect(x.metrics!.ttftMs.histogram.length).toBeGreaterThan(0)
    }
    expect(r.find('tp1', 'tiny')!.layout).toMatchObject({ tp: 1, instances: 4, idleGpus: 0 })
    expect(r.find('tp2', 'tiny')!.layout).toMatchObject({ tp: 2, instances: 2 })
    expect(r.find('tp2', 'tiny')!.args).toEqual(['--quantization', 'fp8', '--tensor-parallel-size', '2'])
    expect(r.output).toContain('target is the EMBEDDED SIMULATOR')
    expect(r.output).toMatch(/Qwen\/Qwen2\.5-7B-Instruct · tiny — simulated 4xrtx-3090 \(simulated time\)/)
    expect(r.output).toMatch(/Recommendation: tp[12] — /)
    expect(r.output).toMatch(/\[Qwen\/Qwen2\.5-7B-Instruct tp2\] ready after \d+\.\d s/)
    await validateJUnit(join(r.out, 'junit.xml'))
    // Telemetry of every workload: vLLM's /metrics (KV use, queue, preemptions), the GPUs per stage, vLLM's start-up lines beside the model.
    for (const x of r.results) {
      expect(x.serverTelemetry).toMatchObject({ sources: 1, metricNames: { kvCacheUsage: 'vllm:kv_cache_usage_perc', preemptions: 'vllm:num_preemptions_total', waiting: 'vllm:num_requests_waiting' } })
      expect(x.serverTelemetry!.preemptions).toBeGreaterThanOrEqual(0)
      expect(x.gpuTelemetry!.stages).toHaveLength(x.layout!.instances)
      expect(x.vllmStartup!.kvCacheTokens).toBe(x.vllmStartup!.predicted!.kvCacheTokens)
    }
    const md = await readFile(join(r.out, 'summary.md'), 'utf8')
    for (const heading of ['### Server view (vLLM /metrics)', '### GPUs (MLNode /api/v1/gpu/devices, power command)', '### vLLM start-up vs model']) expect(md).toContain(heading)
    expect(r.output).toMatch(/\[Qwen\/Qwen2\.5-7B-Instruct tp1\] vLLM start-up \(simulated log\): GPU KV cache [\d,]+ tokens \(model [\d,]+ tokens, ×1\.00\)/)
  }, PROCESS_TEST_TIMEOUT_MS)

  it('a guard violation fails the file at collection, lists every violation, deploys nothing', async () => {
    const r = await bench(['broken'])
    expect(r.exitCode).toBe(1)
    // The file is named once, as the README shows it.
    expect(r.output).toContain('✗ benchmarks/broken/qwq-32b-guard-violation.bench.ts: 3 problem(s) in the variants of Qwen/QwQ-32B; nothing was deployed')
    expect(r.output).toContain(`variant "tp8-kv-auto": Qwen/QwQ-32B variant tp8-kv-auto: mandatory --kv-cache-dtype is changed: expected 'fp8', actual 'auto'`)
    expect(r.output).toContain('variant "tp8-longer-context"')
    expect(r.output).toContain('TP 3 does not divide the 40 attention heads')
    expect(r.output).not.toContain('deploying on')
    expect(r.results).toHaveLength(1)
    expect(r.results[0]).toMatchObject({ model: 'Qwen/QwQ-32B', status: 'failed', failure: { kind: 'guard', code: 'MLNB_ARGS_GUARD' } })
    const junit = await readFile(join(r.out, 'junit.xml'), 'utf8')
    expect(junit).toContain('type="guard"')
  }, PROCESS_TEST_TIMEOUT_MS)

  it('a broken production workloads YAML fails the simulator run at collection, naming file, field and key', async () => {
    const r = await bench(['typo-workloads'])
    expect(r.exitCode).toBe(1)
    expect(r.output).toMatch(/typo-workloads\.bench\.ts: field "workloads" = "workloads\/typo\.yml": .*typo\.yml: experiment "short": .*num_runner/)
    expect(r.output).not.toContain('deploying on')
    expect(r.results).toEqual([expect.objectContaining({ status: 'failed', failure: expect.objectContaining({ code: 'MLNB_CONFIG' }) })])
  }, PROCESS_TEST_TIMEOUT_MS)

  it('a failed deploy says MLNode gave no reason, shows the MLNode log, and the next variant still runs', async () => {
    const r = await bench(['failed-deploy'])
    expect(r.exitCode).toBe(1)
    const oom = r.find('tp1-oom', 'tiny')!
    expect(oom).toMatchObject({ status: 'failed', failure: { kind: 'deploy', code: 'MLNB_DEPLOY_FAILED' } })
    expect(oom.failure!.message).toContain('MLNode gives no reason ("vLLM process exited prematurely: None")')
    expect(oom.failure!.message).toContain('see the MLNode log below')
    expect(oom.failure!.log!.join('\n')).toContain('CUDA out of memory')
    // MLNode v0.2.12 stays healthy after a failed start: no restart to wait for.
    expect(r.output).not.toContain('container restarting')
    expect(r.find('tp8', 'tiny')).toMatchObject({ status: 'passed', layout: { instances: 1 } })
    expect(r.output).toMatch(/tp1-oom\s+FAILED \(deploy\)/)
  }, PROCESS_TEST_TIMEOUT_MS)

  it('an error inside a workload fails the run and shows as failed, with the other workload measured', async () => {
    const r = await bench(['workload-error'])
    expect(r.exitCode).toBe(1)
    expect(r.find('tp1', 'fits')).toMatchObject({ status: 'passed' })
    const bad = r.find('tp1', 'too-long')!
    expect(bad).toMatchObject({ status: 'failed', failure: { kind: 'workload', code: 'MLNB_LOAD' } })
    expect(bad.failure!.message).toContain('2 of 2 requests failed (http_status x2)')
    expect(bad.metrics!.requests.failuresByReason).toEqual({ http_status: 2 })
    expect(r.output).toMatch(/✗ Qwen\/Qwen2\.5-7B-Instruct › tp1 › too-long: workload:/)
    expect(r.output).toContain('1 passed, 1 failed')
  }, PROCESS_TEST_TIMEOUT_MS)

  it('-t filters benches by name: only the matching variant is deployed and measured', async () => {
    const r = await bench(['passing', '-t', 'tp2 › tiny-open'])
    expect(r.exitCode, r.output).toBe(0)
    expect(r.results.map((x) => `${x.variant} › ${x.workload}`)).toEqual(['tp2 › tiny-open'])
    expect(r.output).not.toContain('[Qwen/Qwen2.5-7B-Instruct tp1] deploying')
  }, PROCESS_TEST_TIMEOUT_MS)

  it('--shard splits the suite files; the shards together cover both files once', async () => {
    const shards = [await bench(['passing', 'second', '--shard=1/2']), await bench(['passing', 'second', '--shard=2/2'])]
    for (const s of shards) expect(s.exitCode, s.output).toBe(0)
    const models = shards.map((s) => [...new Set(s.results.map((x) => x.model))])
    expect(models.flat().sort()).toEqual(['Qwen/Qwen2.5-7B-Instruct', 'meta-llama/Llama-3.1-8B'])
    expect(models.every((m) => m.length === 1)).toBe(true)
  }, PROCESS_TEST_TIMEOUT_MS)

  it("a suite's calibration: the simulator runs on its constants and the result names it", async () => {
    const r = await bench(['passing', 'calibrated', '-t', 'tp1(-calibrated)? › tiny$'])
    expect(r.exitCode, r.output).toBe(0)
    const [plain, calibrated] = [r.find('tp1', 'tiny')!, r.find('tp1-calibrated', 'tiny')!]
    expect(plain.target.calibration).toBeUndefined()
    expect(calibrated.target).toMatchObject({ kind: 'simulated', hardware: '4xrtx-3090', calibration: 'calibration/3090.json' })
    // Less than half the default weight-read efficiency and a longer step: every token is slower.
    expect(calibrated.metrics!.tpotMs.meanMs).toBeGreaterThan(plain.metrics!.tpotMs.meanMs * 1.5)
    expect(r.output).toMatch(/simulated 4xrtx-3090 \(simulated time, calibrated by calibration\/3090\.json\)/)
  }, PROCESS_TEST_TIMEOUT_MS)

  it('two files measuring one model › variant › workload: both results kept, the run fails naming both, no baseline accepted', async () => {
    const r = await bench(['passing', 'clashing', '-t', 'tp1 › tiny$'], { MLNODE_BENCH_UPDATE_BASELINE: '1' })
    expect(r.exitCode, r.output).toBe(1)
    expect(r.results.map((x) => x.file).sort()).toEqual(['test/fixtures/suites/clashing.bench.ts', 'test/fixtures/suites/passing.bench.ts'])
    expect(r.output).toMatch(/Qwen\/Qwen2\.5-7B-Instruct › tp1 › tiny is measured by two benches \(test\/fixtures\/suites\/(passing|clashing)\.bench\.ts and test\/fixtures\/suites\/(passing|clashing)\.bench\.ts\)/)
    await expect(readFile(join(r.out, 'baseline.json'), 'utf8')).rejects.toThrow(/ENOENT/)
  }, PROCESS_TEST_TIMEOUT_MS)
})
