/**
 * GPU telemetry in a bench: a real MLNode-like target (loopback GPU route + a fake nvidia-smi power
 * command) gets output tokens per joule; the simulator's route gives per-stage utilisation without
 * power, and says so; a plain OpenAI target says there is no GPU route. Every report shows it.
 */
import { writeFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { afterEach, describe, expect, it, onTestFinished } from 'vitest'
import type { Layout, TargetInfo } from '../../src/contracts/results.js'
import { renderComparison } from '../../src/report/comparison.js'
import { diffResults } from '../../src/report/diff.js'
import { renderJUnit } from '../../src/report/junit.js'
import { renderMarkdown } from '../../src/report/markdown.js'
import { runBench } from '../../src/run/run-bench.js'
import { resolveSuiteOptions } from '../../src/run/suite-options.js'
import type { DeployRequest, Target } from '../../src/run/target.js'
import { startSimulator } from '../../src/sim/index.js'
import { startFakeVllm } from '../load/helpers/server.js'
import { postJson } from '../sim/helpers.js'
import { useTempDir } from '../temp-dir.js'
import { buildReportData, renderHtmlReport } from '../../src/html-report/index.js'
import type { HistoryRun } from '../../src/history/store.js'

const dir = useTempDir('mlnb-bench-gpu-')
const servers: Server[] = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => (s.closeAllConnections(), new Promise((r) => s.close(r)))))
})

/** MLNode's GPU route for a box of 4 GPUs, two replicas of TP2 busy at 80 %. */
async function gpuRoute(): Promise<string> {
  const device = (index: number) => ({ index, name: 'NVIDIA H100 80GB HBM3', total_memory_mb: 81559, free_memory_mb: 6000, used_memory_mb: 75559, utilization_percent: 80, temperature_c: 60, is_available: true, error_message: null })
  const server = createServer((req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ devices: [0, 1, 2, 3].map(device), count: 4 })))
  servers.push(server)
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

function targetOf(info: TargetInfo, endpoints: { inferenceUrl: string; mgmtUrl?: string }, layout?: Layout, deploy?: () => Promise<void>): Target {
  return {
    describe: async () => ({ info, gpuCount: 4 }),
    prepare: async () => {},
    ready: async () => {
      await deploy?.()
      return { target: info, readyAfterS: 1, ...(layout ? { layout } : {}) }
    },
    endpoint: () => endpoints,
    metricsSources: () => ({ urls: [], unavailable: ['a test target without metrics pages'] }),
    close: async () => {},
  }
}

const spec = { name: 'chat', requests: 8, concurrency: 4, prompt: { tokens: 200 }, maxTokens: 16 }
const request = (tp: number, pp: number): DeployRequest => ({ model: 'Qwen/QwQ-32B', dtype: 'auto', variant: { name: `tp${tp}pp${pp}`, mlnodeArgs: ['-tp', String(tp), '-pp', String(pp)], tp, pp } as DeployRequest['variant'], deployTimeoutS: 60 })

describe('GPU telemetry in a bench', () => {
  it('a real MLNode with a power command: utilisation, headroom and output tokens per joule, in every report', async () => {
    const vllm = await startFakeVllm({ prefillMs: 20, tokenMs: 5 })
    onTestFinished(() => vllm.close())
    const script = join(dir(), 'nvidia-smi.mjs')
    await writeFile(script, `process.stdout.write('index, power.draw [W]\\n0, 300.00 W\\n1, 300.00 W\\n2, 250.00 W\\n3, 250.00 W\\n')\n`)
    const suite = resolveSuiteOptions({ model: 'Qwen/QwQ-32B', mandatoryArgs: [], variants: {}, workloads: [], telemetryIntervalS: 0.05, powerCommand: [process.execPath, script] })
    const info: TargetInfo = { kind: 'mlnode', hardware: '4x NVIDIA H100 80GB HBM3' }
    const layout: Layout = { gpuCount: 4, gpusPerInstance: 2, instances: 2, idleGpus: 0, tp: 2, pp: 1 }
    const outcome = await runBench({ suite, source: 'bench.ts', targetKind: 'mlnode', request: request(2, 1), spec, target: targetOf(info, { inferenceUrl: vllm.url, mgmtUrl: await gpuRoute() }, layout) })
    expect(outcome.error).toBeUndefined()
    const r = outcome.result
    const t = r.gpuTelemetry!
    expect(t.unavailable).toEqual([])
    expect(t.stages).toEqual([
      { replica: 0, stage: 0, gpus: [0, 1], utilizationMean: 80 },
      { replica: 1, stage: 0, gpus: [2, 3], utilizationMean: 80 },
    ])
    expect(t.memoryHeadroomMb).toBe(6000)
    expect(t.powerMeanW).toBe(1100)
    expect(t.energyJ).toBeCloseTo(1100 * r.metrics!.durationS, 0)
    expect(t.outputTokensPerJoule).toBeCloseTo(r.metrics!.outputTokens / (1100 * r.metrics!.durationS), 3)
    expect(renderComparison([r])).toMatch(/tp2pp1 gpus \(mlnode \/api\/v1\/gpu\/devices \+ power command: .*\): GPU util 80 %, memory headroom 6000 MiB, power 1100 W, output tokens\/J [\d.]+/)
    const md = renderMarkdown(diffResults(undefined, [r]))
    expect(md).toContain('### GPUs (MLNode /api/v1/gpu/devices, power command)')
    expect(md).toMatch(/\| Qwen\/QwQ-32B › tp2pp1 › chat \| 80 % \| — \| 6000 MiB \| 1100 W \| [\d.]+ \|/)
    expect(renderJUnit([r])).toMatch(/<property name="gpu_output_tokens_per_j" value="[\d.]+"\/>/)
  })

  it("the simulator's route: a PP bubble per stage, power not available and said so", async () => {
    const sim = await startSimulator({ clock: 'wall', speed: 10, startupS: 1, staggerS: 1 })
    onTestFinished(() => sim.close())
    const suite = resolveSuiteOptions({ model: 'Qwen/QwQ-32B', mandatoryArgs: [], variants: {}, workloads: [], telemetryIntervalS: 0.05, powerCommand: ['nvidia-smi', '--query-gpu=index,power.draw', '--format=csv'] })
    const info: TargetInfo = { kind: 'simulated', hardware: '8xrtx-4070-ti-super' }
    const layout: Layout = { gpuCount: 8, gpusPerInstance: 8, instances: 1, idleGpus: 0, tp: 4, pp: 2 }
    const deploy = async () => {
      const res = await postJson(`${sim.mgmtUrl}/api/v1/inference/up`, { model: 'Qwen/QwQ-32B', dtype: 'float16', additional_args: ['--kv-cache-dtype', 'fp8', '--quantization', 'fp8', '-tp', '4', '-pp', '2'] })
      expect(res.status).toBe(200)
    }
    const one = { name: 'one-stream', requests: 2, concurrency: 1, prompt: { tokens: 50 }, maxTokens: 150 }
    const outcome = await runBench({ suite, source: 'bench.ts', targetKind: 'simulated', request: request(4, 2), spec: one, target: targetOf(info, { inferenceUrl: sim.inferenceUrl, mgmtUrl: sim.mgmtUrl }, layout, deploy) })
    expect(outcome.error).toBeUndefined()
    const t = outcome.result.gpuTelemetry!
    expect(t.stages.map((s) => s.stage)).toEqual([0, 1])
    // One sequence in a two-stage pipeline: each stage idles while the other works.
    for (const s of t.stages) expect(s.utilizationMean).toBeLessThan(70)
    expect(t.powerMeanW).toBeUndefined()
    expect(t.unavailable).toEqual(['power: not measured on the simulator (it has no power model); set powerCommand and run against a real MLNode'])
    expect(renderComparison([outcome.result])).toMatch(/gpus \(mlnode \/api\/v1\/gpu\/devices, \d+ samples, simulated\): GPU util [\d.]+ %, util per stage r0: [\d.]+ % \| [\d.]+ %/)
    // The HTML report: a per-stage chart (simulated, one series per stage) and the gpus line.
    const run: HistoryRun = { seq: 1, runId: 'r1', source: 'mlnode-bench', date: '2026-01-01T00:00:00.000Z', state: 'complete', results: 1, passed: 1, simulated: true, provenance: { tool: { name: 'mlnode-bench', version: '0' }, date: '2026-01-01T00:00:00.000Z' }, entries: [outcome.result] }
    const data = buildReportData({ runs: [run], generatedAt: '2026-01-02T00:00:00.000Z' })
    const chart = data.sections.flatMap((x) => x.charts).find((c) => c.kind === 'gpu-stages')!
    expect(chart.simulated).toBe(true)
    expect((chart.config as { data: { datasets: Array<{ label: string; data: number[] }> } }).data.datasets.map((d) => d.label)).toEqual(['stage 0 %', 'stage 1 %'])
    expect(await renderHtmlReport(data)).toMatch(/<li>tp4pp2 gpus \(mlnode \/api\/v1\/gpu\/devices/)
  })

  it('a plain OpenAI server: no GPU route, no power command, and the result says so', async () => {
    const vllm = await startFakeVllm({ prefillMs: 5, tokenMs: 1 })
    onTestFinished(() => vllm.close())
    const suite = resolveSuiteOptions({ model: 'Qwen/QwQ-32B', mandatoryArgs: [], variants: {}, workloads: [] })
    const outcome = await runBench({ suite, source: 'bench.ts', targetKind: 'mlnode', request: request(1, 1), spec: { ...spec, requests: 2 }, target: targetOf({ kind: 'openai', hardware: 'unknown' }, { inferenceUrl: vllm.url }) })
    expect(outcome.result.gpuTelemetry).toMatchObject({ samples: 0, gpus: [], unavailable: ['GPU devices: this target has no MLNode management API (/api/v1/gpu/devices)', expect.stringMatching(/^power: no powerCommand set/)] })
    expect(renderComparison([outcome.result])).toContain('gpus: not available: GPU devices: this target has no MLNode management API')
  })
})
