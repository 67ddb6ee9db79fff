/**
 * The Target contract, run against every registered kind through its descriptor (the registry),
 * each over real loopback servers of the embedded simulator: the simulator fleet (sim), the
 * simulator's MLNode API (mlnode), its OpenAI server with a model up (openai), and the fake `vllm`
 * executable that serves it (vllm). Rows, in order: deploy + ready + measure a tiny workload; down
 * (of that variant); a failing deploy; interrupt (Ctrl-C in the main process).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fileURLToPath } from 'node:url'
import type { WorkloadSpec } from '../../../src/contracts/workload.js'
import { prepareVariants } from '../../../src/run/prepare-variants.js'
import { runBench } from '../../../src/run/run-bench.js'
import { resolveSuiteOptions } from '../../../src/run/suite-options.js'
import type { DeployRequest, Target } from '../../../src/run/target.js'
import type { ChoiceBase, ConfigBase, TargetKind } from '../../../src/run/targets/kind.js'
import { TARGET_KINDS, targetKindFromEnv } from '../../../src/run/targets/registry.js'
import { startSimulator } from '../../../src/sim/index.js'
import { useTempDir } from '../../temp-dir.js'

const MODEL = 'Qwen/Qwen2.5-7B-Instruct'
// One layout under several names: a target remembers each variant's outcome by name (an MLNode's is shared by the file).
const TP1 = ['--tensor-parallel-size', '1']
const FAKE_VLLM = fileURLToPath(new URL('../../fixtures/vllm/vllm', import.meta.url))
const spec: WorkloadSpec = { name: 'chat', requests: 4, concurrency: 2, prompt: { tokens: 50 }, maxTokens: 8 } as WorkloadSpec

type Sim = Awaited<ReturnType<typeof startSimulator>>

interface Harness {
  /** The environment that chooses the kind, with the servers it needs running. */
  env(): Promise<NodeJS.ProcessEnv>
  /** Deploys something (false: measured as it runs). */
  deploys: boolean
  /** The suite's hardware (the simulator's profile). */
  hardware: string
  /** GPUs and instances of the tp1 variant. */
  instances?: number
  /** Whether the kind takes a deployment down on Ctrl-C (its setUp installs a handler). */
  interrupts: boolean
  /** The simulator behind it runs on simulated time (else on the wall clock at speed 1). */
  simulatedTime: boolean
}

const sims: Sim[] = []
async function simulator(up: boolean): Promise<Sim> {
  const sim = await startSimulator({ hardware: '1xh100-sxm', clock: 'virtual' })
  sims.push(sim)
  if (up) {
    const response = await fetch(`${sim.mgmtUrl}/api/v1/inference/up`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: MODEL, dtype: 'auto', additional_args: [] }) })
    expect(response.status).toBe(200)
  }
  return sim
}

const harnesses: Record<string, Harness> = {
  sim: { env: async () => ({}), deploys: true, hardware: '1xh100-sxm', instances: 1, interrupts: false, simulatedTime: true },
  mlnode: {
    env: async () => {
      const sim = await simulator(false)
      return { MLNODE_URL: sim.mgmtUrl, INFERENCE_URL: sim.inferenceUrl }
    },
    deploys: true,
    hardware: '1xh100-sxm',
    instances: 1,
    interrupts: true,
    simulatedTime: true,
  },
  openai: {
    env: async () => ({ MLNODE_BENCH_TARGET: 'openai', INFERENCE_URL: (await simulator(true)).inferenceUrl }),
    deploys: false,
    hardware: '1xh100-sxm',
    interrupts: false,
    simulatedTime: true,
  },
  vllm: {
    env: async () => ({ MLNODE_BENCH_TARGET: 'vllm', MLNODE_BENCH_VLLM: FAKE_VLLM, MLNODE_BENCH_VLLM_GPUS: '0,1', MLNODE_BENCH_VLLM_LOGS: 'vllm-logs' }),
    deploys: true,
    hardware: '1xh100-sxm',
    // Two GPUs, TP1: two `vllm serve` processes (the fake runs the simulator on the wall clock) behind the target's balancer.
    instances: 2,
    interrupts: true,
    simulatedTime: false,
  },
}

it('every registered kind has a contract harness', () => {
  expect(TARGET_KINDS.map((k) => k.name).sort()).toEqual(Object.keys(harnesses).sort())
})

afterAll(async () => {
  await Promise.all(sims.map((s) => s.close()))
})

/** Whether a model answers at the endpoint now. */
async function serving(inferenceUrl: string): Promise<boolean> {
  const response = await fetch(`${inferenceUrl}/v1/models`, { signal: AbortSignal.timeout(3000) }).catch(() => undefined)
  await response?.arrayBuffer().catch(() => undefined)
  return response?.ok === true
}

async function eventually(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const until = Date.now() + timeoutMs
  while (Date.now() < until) {
    if (await check()) return true
    await new Promise((r) => setTimeout(r, 100))
  }
  return check()
}

describe.each(Object.entries(harnesses))('the %s target', (name, harness) => {
  const temp = useTempDir(`mlnb-contract-${name}-`)
  let kind: TargetKind
  let config: ConfigBase
  let teardown: (() => Promise<void> | void) | undefined
  let onInterrupt: Array<(signal: NodeJS.Signals) => void> = []
  const targets: Target[] = []
  let measured: { target: Target; url: string } | undefined
  const suite = resolveSuiteOptions({ model: MODEL, hardware: harness.hardware, mandatoryArgs: [], variants: { tp1: TP1, interrupt: TP1, starved: ['--gpu-memory-utilization', '0.05'] }, workloads: [] })
  const source = `${name}.bench.ts`

  beforeAll(async () => {
    const env = await harness.env()
    kind = targetKindFromEnv(env) as TargetKind
    expect(kind.name).toBe(name)
    const before = new Set(process.listeners('SIGINT'))
    const choice: ChoiceBase = kind.select(env)
    ;({ config, teardown } = await kind.setUp(choice, { root: temp(), watch: false, allowWatch: false, notify: () => undefined }))
    onInterrupt = process.listeners('SIGINT').filter((l) => !before.has(l)) as typeof onInterrupt
  })

  afterAll(async () => {
    await Promise.all(targets.map((t) => t.close()))
    await teardown?.()
  })

  function variant(variantName: string) {
    const prepared = () => prepareVariants(suite, source, kind.simulated ? 1 : undefined)
    const all = kind.variants ? kind.variants(suite, prepared) : prepared()
    return all.find((v) => v.name === variantName) ?? all[0]!
  }

  function request(variantName: string): DeployRequest {
    return { model: MODEL, dtype: 'auto', variant: variant(variantName), deployTimeoutS: 60, checkFeasibility: false }
  }

  function target(): Target {
    const created = kind.create(config, { hardware: harness.hardware, source })
    targets.push(created)
    return created
  }

  it('deploys, is ready and measures a tiny workload, labelled simulated (every harness is the simulator)', { timeout: 60_000 }, async () => {
    const t = target()
    const deploy = request('tp1')
    await t.prepare(deploy)
    const { result, error } = await runBench({ suite, source, targetKind: kind.resultKind, request: deploy, spec, target: t })
    measured = { target: t, url: t.endpoint(deploy).inferenceUrl }
    expect(error).toBeUndefined()
    expect(result.status).toBe('passed')
    expect(result.metrics!.requests.completed).toBe(4)
    expect(result.target.kind).toBe('simulated')
    expect(result.target.simulatedTime === true).toBe(harness.simulatedTime)
    if (harness.deploys) {
      expect(result.layout).toMatchObject({ instances: harness.instances, tp: 1 })
      expect(result.deployS).toBeGreaterThanOrEqual(0)
    } else expect(result.layout).toBeUndefined()
    // The variant's vLLM /metrics pages were read while the load ran.
    expect(result.serverTelemetry?.sources).toBe(harness.instances ?? 1)
  })

  it('takes down what it deployed (and only that)', async () => {
    // The variant measured above, still up.
    const { target: t, url } = measured!
    expect(await serving(url)).toBe(true)
    await t.close()
    expect(await serving(url)).toBe(!harness.deploys)
  })

  it('fails a deploy with the reason, labelled with its kind, and never throws', async () => {
    if (!harness.deploys) {
      // Nothing to deploy: a server that does not answer fails the workload instead.
      const t = kind.create({ ...config, inferenceUrl: 'http://127.0.0.1:9' } as ConfigBase, { hardware: harness.hardware, source })
      const { result, error } = await runBench({ suite, source, targetKind: kind.resultKind, request: request('tp1'), spec, target: t })
      expect(error).toBeDefined()
      expect(result).toMatchObject({ status: 'failed', target: { kind: kind.resultKind }, failure: { kind: 'workload' } })
      return
    }
    const t = target()
    const { result, error } = await runBench({ suite, source, targetKind: kind.resultKind, request: request('starved'), spec, target: t })
    expect(error).toBeDefined()
    expect(result.status).toBe('failed')
    expect(result.failure).toMatchObject({ kind: 'deploy', code: 'MLNB_DEPLOY_FAILED' })
    // vLLM's own reason reaches the result (the simulator says it as vLLM does).
    if (name !== 'mlnode') expect(result.failure!.message + (result.failure!.log ?? []).join('\n')).toMatch(/cache blocks|exited/)
  })

  it(harness.interrupts ? 'Ctrl-C in the main process takes the deployment down' : 'installs no Ctrl-C handler: nothing outlives the run', async () => {
    expect(onInterrupt.length).toBe(harness.interrupts ? 1 : 0)
    if (!harness.interrupts) return
    const t = target()
    const deploy = request('interrupt')
    await t.ready(deploy)
    const url = t.endpoint(deploy).inferenceUrl
    expect(await serving(url)).toBe(true)
    // The handler itself (emitting SIGINT would reach the test runner's own handlers too).
    for (const handler of onInterrupt) handler('SIGINT')
    expect(await eventually(async () => !(await serving(url)), 20_000)).toBe(true)
  })
})
