/**
 * Feasibility before deploy against a fake MLNode v0.2.12 whose /health lists 8 RTX 4070 Ti SUPER:
 * a variant the performance model says cannot start fails with the model's reason, and MLNode
 * never receives a deploy request.
 */
import { describe, expect, it, onTestFinished } from 'vitest'
import { parseVllmArgs, planDeploy } from '../../src/args/index.js'
import { hardwareFromDevices } from '../../src/model/index.js'
import { assertFeasible } from '../../src/run/feasibility.js'
import { MlnodeTarget } from '../../src/run/mlnode-target.js'
import { consoleInto } from './console-lines.js'
import type { DeployRequest } from '../../src/run/target.js'
import { healthyRoutes, sequence, startFakeMlnode } from '../mlnode/fake-mlnode.js'

const MODEL = 'Qwen/QwQ-32B'
const GPU = 'NVIDIA GeForce RTX 4070 Ti SUPER'
const device = (index: number) => ({ index, name: GPU, total_memory_mb: 16376, free_memory_mb: 16000, used_memory_mb: 376, utilization_percent: 0, temperature_c: 30, is_available: true })

function request(name: string, tokens: string[]): DeployRequest {
  const args = parseVllmArgs(['--kv-cache-dtype', 'fp8', '--quantization', 'fp8', ...tokens])
  return { model: MODEL, dtype: 'float16', variant: { name, ...planDeploy(MODEL, args) }, deployTimeoutS: 30 }
}

async function fakeBox() {
  const routes = healthyRoutes({ model: MODEL, gpus: 8, replicas: [1] })
  routes['GET /health'] = sequence([200, { status: 'healthy', service_state: 'STOPPED', gpu: { available: true, count: 8, devices: Array.from({ length: 8 }, (_, i) => device(i)) }, managers: {} }])
  routes['GET /api/v1/state'] = sequence([200, { state: 'STOPPED' }])
  const fake = await startFakeMlnode(routes)
  onTestFinished(() => fake.close())
  const lines: string[] = []
  const target = new MlnodeTarget({ mgmtUrl: fake.url, inferenceUrl: fake.url }, consoleInto(lines))
  onTestFinished(() => target.client.close())
  return { fake, target, lines }
}

describe('feasibility before deploy', () => {
  it('matches the GPUs MLNode reports to the catalog', () => {
    expect(hardwareFromDevices(Array(8).fill(GPU), 8)?.id).toBe('8xrtx-4070-ti-super')
    expect(hardwareFromDevices(['NVIDIA Unknown 9000'], 1)).toBeUndefined()
    expect(hardwareFromDevices([GPU, 'NVIDIA H100 80GB HBM3'], 2)).toBeUndefined()
  })

  it('an out-of-memory variant fails with the model reason and no deploy request reaches MLNode', async () => {
    const { fake, target } = await fakeBox()
    const outcome = await target.ready(request('tp1-oom', ['-tp', '1'])).then(
      () => undefined,
      (error: unknown) => error as Error,
    )
    expect(outcome?.message).toMatch(/cannot start on 8xrtx-4070-ti-super \(performance model, checked before deploying; nothing was deployed\): oom: CUDA out of memory/)
    expect(fake.count('POST /api/v1/inference/up/async')).toBe(0)
    expect(fake.count('POST /api/v1/inference/up')).toBe(0)
  })

  it('a variant that fits passes the same check; an unknown box or model is not checked', () => {
    const box = hardwareFromDevices(Array(8).fill(GPU), 8)
    expect(() => assertFeasible(box, request('tp8', ['-tp', '8']), '[tp8]')).not.toThrow()
    expect(() => assertFeasible(box, request('tp3', ['-tp', '3']), '[tp3]')).toThrow(/heads: Total number of attention heads \(40\) must be divisible by tensor parallel size \(3\)/)
    expect(() => assertFeasible(undefined, request('tp1-oom', ['-tp', '1']), '[tp1]')).not.toThrow()
  })
})
