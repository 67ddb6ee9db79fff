/** A simulated MLNode (virtual clock, the real performance model) with one variant deployed, for the PoC tests. */
import { onTestFinished } from 'vitest'
import { startSimulator, type SimulatorHandle } from '../../src/sim/index.js'
import { defaultVariantResolver } from '../../src/sim/resolve-variant.js'

export const MODEL = 'Qwen/Qwen2.5-7B-Instruct'
export const HARDWARE = '8xrtx-4070-ti-super'
/** Two GPUs per replica: four replicas on the box. */
export const ARGS = ['--quantization', 'fp8', '--tensor-parallel-size', '2']

export async function deployedSim(args: readonly string[] = ARGS): Promise<SimulatorHandle> {
  const sim = await startSimulator({ clock: 'virtual', hardware: HARDWARE })
  onTestFinished(() => sim.close())
  const res = await fetch(`${sim.mgmtUrl}/api/v1/inference/up`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: MODEL, dtype: 'auto', additional_args: args }) })
  if (!res.ok) throw new Error(`up failed: ${res.status} ${await res.text()}`)
  // Every replica healthy: pow/status lists all of them (replicas start 5 s apart).
  for (let i = 0; i < 200; i++) {
    const status = (await (await fetch(`${sim.mgmtUrl}/api/v1/inference/pow/status`)).json()) as { backends: Array<{ status: string }> }
    if (status.backends.length === 4 && status.backends.every((b) => b.status === 'IDLE')) return sim
    await new Promise((r) => setTimeout(r, 20))
  }
  throw new Error('replicas did not all come up')
}

/** Seconds one PoC batch takes on one replica of the deployed variant, from the performance model. */
export function batchSeconds(batchSize: number, seqLen: number, args: readonly string[] = ARGS): number {
  const plan = defaultVariantResolver({ model: MODEL, dtype: 'auto', additionalArgs: [...args] }, HARDWARE).plan!
  return plan.stepCost({ prefill: Array.from({ length: batchSize }, () => ({ tokens: seqLen, contextBefore: 0 })), decode: [] })
}

