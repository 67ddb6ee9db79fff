/**
 * A PoC workload as one bench measures it: the PoC client on the target's management URL, the
 * run bounded by the suite's workload timeout, the figures kept even when the stop afterwards
 * failed (the variant then fails with MLNB_POC_STOP).
 */
import { MlnodeBenchError } from '../errors.js'
import type { PocResult } from '../contracts/results.js'
import type { WorkloadSpec } from '../contracts/workload.js'
import { PocClient } from './client.js'
import { runPoc } from './run-poc.js'

export interface MeasurePocInput {
  spec: WorkloadSpec
  /** MLNode's management URL; absent on a target without one (a plain OpenAI server). */
  mgmtUrl: string | undefined
  model: string
  gpus: number
  simulatedTime: boolean
  timeoutS: number
  subject: string
}

export interface PocMeasured {
  poc: PocResult
  /** The variant fails with this although its figures were measured. */
  error?: MlnodeBenchError
}

export async function measurePoc(input: MeasurePocInput): Promise<PocMeasured> {
  const { spec } = input
  if (spec.poc === undefined) throw new MlnodeBenchError('MLNB_POC', `${input.subject}: not a PoC workload`)
  if (input.mgmtUrl === undefined) {
    throw new MlnodeBenchError('MLNB_POC', `${input.subject}: a PoC workload needs an MLNode (its pow routes); this target is a plain OpenAI server`)
  }
  const client = new PocClient(input.mgmtUrl)
  try {
    const run = await runPoc({ client, model: input.model, spec: spec.poc, gpus: input.gpus, simulatedTime: input.simulatedTime, signal: AbortSignal.timeout(input.timeoutS * 1000), subject: input.subject })
    return { poc: run.result, ...(run.stopError ? { error: run.stopError } : {}) }
  } finally {
    await client.close()
  }
}
