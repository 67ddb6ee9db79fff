/** The simulator's MLNode GPU route: utilisation per GPU from its engine's busy stages, so a pipeline bubble shows. */
import { describe, expect, it, onTestFinished } from 'vitest'
import { startSimulator } from '../../src/sim/index.js'
import { getJson, postJson } from '../sim/helpers.js'
import { StageBusy } from '../../src/sim/gpu-busy.js'

const MANDATORY = ['--kv-cache-dtype', 'fp8', '--quantization', 'fp8']

interface Device {
  index: number
  utilization_percent: number
  used_memory_mb: number
  error_message: null
}

/** Deploys QwQ-32B with `args` on 8x RTX 4070 Ti SUPER and reads the GPUs while `streams` requests decode. */
async function utilisationUnderLoad(args: string[], streams: number): Promise<Device[]> {
  const sim = await startSimulator({ clock: 'wall', speed: 10, startupS: 1, staggerS: 1 })
  onTestFinished(() => sim.close())
  const res = await postJson(`${sim.mgmtUrl}/api/v1/inference/up`, { model: 'Qwen/QwQ-32B', dtype: 'float16', additional_args: [...MANDATORY, ...args] })
  expect(res.status).toBe(200)
  const idle = (await getJson(`${sim.mgmtUrl}/api/v1/gpu/devices`)).body.devices as Device[]
  expect(idle.every((d) => d.utilization_percent === 0)).toBe(true)
  const body = { model: 'Qwen/QwQ-32B', messages: [{ role: 'user', content: 'hello' }], max_tokens: 400, ignore_eos: true, stream: true }
  // Not awaited: the simulator's close drops the streams once the GPUs were read.
  for (let i = 0; i < streams; i++) void postJson(`${sim.inferenceUrl}/v1/chat/completions`, body).then((r) => r.text()).catch(() => undefined)
  // Past the one-second (simulated) window of the route, mid-decode.
  await new Promise((r) => setTimeout(r, 400))
  return (await getJson(`${sim.mgmtUrl}/api/v1/gpu/devices`)).body.devices as Device[]
}

describe("the simulator's /api/v1/gpu/devices under load", () => {
  it('shows a PP bubble: with one sequence each of two stages is busy about half the time; TP alone keeps the GPUs busy', async () => {
    const pp = await utilisationUnderLoad(['-tp', '4', '-pp', '2'], 1)
    // One instance on all 8 GPUs: GPUs 0-3 are stage 0, 4-7 stage 1 (rank = pp_rank·TP + tp_rank).
    const stage0 = pp.slice(0, 4).map((d) => d.utilization_percent)
    const stage1 = pp.slice(4).map((d) => d.utilization_percent)
    expect(new Set(stage0).size).toBe(1)
    expect(new Set(stage1).size).toBe(1)
    for (const u of [stage0[0]!, stage1[0]!]) {
      expect(u).toBeGreaterThan(20)
      expect(u).toBeLessThan(70)
    }
    expect(pp.every((d) => d.used_memory_mb > 0 && d.error_message === null)).toBe(true)
    // TP4 without PP: two instances; the one serving the sequence keeps its four GPUs busy for all of a step but its CPU overhead.
    const tp = (await utilisationUnderLoad(['-tp', '4'], 1)).map((d) => d.utilization_percent)
    const serving = tp[0]! > 0 ? tp.slice(0, 4) : tp.slice(4)
    expect(Math.min(...serving)).toBeGreaterThan(80)
  })
})

describe('stage busy shares over the last simulated second', () => {
  it('counts each step by its overlap with the window and its stage shares', () => {
    const busy = new StageBusy(2)
    busy.record(0, 0.5, [1, 0.5]) // before the window ending at 2 s: dropped
    busy.record(1.2, 0.4, [1, 0.5])
    busy.record(1.8, 0.4, [0.5, 1]) // half inside the window ending at 2 s
    // Window [1, 2]: 0.4 s of the first step (shares 1, 0.5) and 0.2 s of the second (0.5, 1).
    expect(busy.utilizationPercent(2)).toEqual([50, 40])
    // Window [1.5, 2.5]: 0.1 s of the first step, all 0.4 s of the second.
    expect(busy.utilizationPercent(2.5)).toEqual([30, 45])
  })
})
