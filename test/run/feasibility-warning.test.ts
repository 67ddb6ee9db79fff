/**
 * Feasibility that never refuses on a guess, against a fake MLNode v0.2.12 whose /health lists
 * 8 H100 SXM: a variant whose memory margin is within the model's known error is deployed (the
 * node decides) with a WARNING on the console, and a failed start quotes that warning; a variant
 * that certainly cannot start is refused and never reaches MLNode.
 */
import { describe, expect, it, onTestFinished } from 'vitest'
import { parseVllmArgs, planDeploy } from '../../src/args/index.js'
import { MlnodeTarget } from '../../src/run/mlnode-target.js'
import { consoleInto } from './console-lines.js'
import type { DeployRequest } from '../../src/run/target.js'
import { healthyRoutes, sequence, startFakeMlnode } from '../mlnode/fake-mlnode.js'
import { startSimulator } from '../../src/sim/index.js'
import { postJson } from '../sim/helpers.js'

const MODEL = 'Qwen/Qwen3-235B-A22B'
const GPU = 'NVIDIA H100 80GB HBM3'
const device = (index: number, name = GPU) => ({ index, name, total_memory_mb: 81559, free_memory_mb: 81000, used_memory_mb: 559, utilization_percent: 0, temperature_c: 30, is_available: true })

function request(name: string, tokens: string[]): DeployRequest {
  return { model: MODEL, dtype: 'auto', variant: { name, ...planDeploy(MODEL, parseVllmArgs(tokens)) }, deployTimeoutS: 30 }
}

async function fakeBox(gpu = GPU) {
  const routes = healthyRoutes({ model: MODEL, gpus: 8, replicas: [1] })
  routes['GET /health'] = sequence([200, { status: 'healthy', service_state: 'STOPPED', gpu: { available: true, count: 8, devices: Array.from({ length: 8 }, (_, i) => device(i, gpu)) }, managers: {} }])
  routes['GET /api/v1/state'] = sequence([200, { state: 'STOPPED' }])
  routes['POST /api/v1/inference/down'] = sequence([200, { status: 'OK' }])
  routes['GET /api/v1/inference/up/status'] = sequence([200, { status: 'not_started', is_starting: false, is_running: false }])
  routes['GET /api/v1/inference/pow/status'] = sequence([200, { status: 'ok', backends: [] }])
  // The node refuses the start at once (as vLLM would if the margin went the wrong way).
  routes['POST /api/v1/inference/up/async'] = sequence([200, { status: 'ERROR', message: 'vLLM exited: No available memory for the cache blocks' }])
  const fake = await startFakeMlnode(routes)
  onTestFinished(() => fake.close())
  const lines: string[] = []
  const target = new MlnodeTarget({ mgmtUrl: fake.url, inferenceUrl: fake.url }, consoleInto(lines))
  onTestFinished(() => target.client.close())
  return { fake, target, lines }
}

const failureOf = (promise: Promise<unknown>): Promise<Error | undefined> =>
  promise.then(
    () => undefined,
    (error: unknown) => error as Error,
  )

describe('feasibility warnings before deploy', () => {
  it('a margin within the known error deploys with a WARNING stating margin and error; its failure quotes it', async () => {
    const { fake, target, lines } = await fakeBox()
    const error = await failureOf(target.ready(request('tight', ['-tp', '8', '--gpu-memory-utilization', '0.78'])))
    expect(fake.count('POST /api/v1/inference/up/async')).toBe(1)
    const warning = lines.find((l) => l.includes('WARNING'))
    expect(warning).toMatch(/\[Qwen\/Qwen3-235B-A22B tight\] WARNING: may not start on 8xh100-sxm \(performance model; deploying anyway, the node decides\): (kv-too-small|no-kv-memory): predicted short by \d\.\d\d GiB per GPU, within the memory model's known error of ±\d\.\d\d GiB per GPU/)
    expect(error?.message).toContain('No available memory for the cache blocks')
    expect(error?.message).toContain('(the performance model had warned: may not start on 8xh100-sxm')
  })

  it('a certain problem is refused on the console and never reaches MLNode', async () => {
    const { fake, target, lines } = await fakeBox()
    const error = await failureOf(target.ready(request('tp2', ['-tp', '2', '--quantization', 'fp8'])))
    expect(error?.message).toMatch(/cannot start on 8xh100-sxm \(performance model, checked before deploying; nothing was deployed\): oom: CUDA out of memory.*needs 110\.\d\d GiB of weights per GPU/)
    expect(lines.filter((l) => l.includes('cannot start on 8xh100-sxm'))).toHaveLength(1)
    expect(fake.count('POST /api/v1/inference/up/async')).toBe(0)
  })

  it('GPUs the catalog does not know: MLNB_UNKNOWN_GPU with a hardware-file template, printed once; the variant deploys unchecked', async () => {
    const { fake, target, lines } = await fakeBox('NVIDIA GB300')
    await failureOf(target.ready(request('tp2', ['-tp', '2'])))
    await failureOf(target.ready(request('tp4', ['-tp', '4'])))
    const unknown = lines.filter((l) => l.includes('MLNB_UNKNOWN_GPU'))
    expect(unknown).toHaveLength(1)
    expect(unknown[0]).toContain('name: "NVIDIA GB300"')
    expect(unknown[0]).toContain('memoryMiB:')
    expect(unknown[0]).toContain('MLNODE_BENCH_HARDWARE')
    // Not refused on a guess: both reached MLNode.
    expect(fake.count('POST /api/v1/inference/up/async')).toBe(2)
  })

  it('the embedded simulator starts a variant within the known error, as the real node may; a certain problem still fails there', async () => {
    const sim = await startSimulator({ clock: 'virtual', hardware: '8xh100-sxm' })
    onTestFinished(() => sim.close())
    const up = (args: string[]) => postJson(`${sim.mgmtUrl}/api/v1/inference/up`, { model: MODEL, dtype: 'auto', additional_args: args })
    const tight = await up(['-tp', '8', '--gpu-memory-utilization', '0.78'])
    expect(await tight.json()).toEqual({ status: 'OK' })
    await postJson(`${sim.mgmtUrl}/api/v1/inference/down`, {})
    const far = await up(['-tp', '8', '--gpu-memory-utilization', '0.5'])
    expect(far.status).toBe(500)
    expect(sim.logs().some((l) => l.includes('No available memory for the cache blocks'))).toBe(true)
  })
})

