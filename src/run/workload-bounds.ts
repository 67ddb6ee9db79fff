/**
 * Upper bounds a workload must respect, checked at collection (before any deploy): a count that
 * cannot be held in memory, or a prompt longer than the model can take, would otherwise fail only
 * after the deploy, with a JavaScript error ("Invalid array length") or N× HTTP 400.
 */
import { MlnodeBenchError } from '../errors.js'
import type { WorkloadSpec } from '../contracts/workload.js'

/**
 * Requests (warm-ups included) of one workload. Every request's record, with one timestamp per
 * streamed chunk, is held in memory until the workload ends: a million records of a few hundred
 * chunks each is already gigabytes, and a JavaScript array cannot exceed 2^32 − 1 elements.
 */
export const MAX_WORKLOAD_REQUESTS = 1_000_000

function fail(where: string, spec: WorkloadSpec, field: string, value: unknown, why: string): never {
  throw new MlnodeBenchError('MLNB_CONFIG', `${where}: workload "${spec.name}": ${field} = ${String(value)} ${why}`, {
    details: { source: where, workload: spec.name, field, value },
  })
}

/** @throws MlnodeBenchError MLNB_CONFIG naming the workload, the field and the bound. */
export function checkWorkloadBounds(spec: WorkloadSpec, where: string): void {
  for (const field of ['requests', 'warmupRequests'] as const) {
    const value = spec[field]
    if (typeof value === 'number' && value > MAX_WORKLOAD_REQUESTS) {
      const yaml = spec.compressa !== undefined && field === 'requests' ? ' (compressa-perf num_tasks)' : ''
      fail(where, spec, `${field}${yaml}`, value, `is more than ${MAX_WORKLOAD_REQUESTS.toLocaleString('en-US')}, the most one workload may send (each request's record is kept in memory until the workload ends); split it into several workloads`)
    }
  }
  // A PoC workload has no prompt.
  const prompts = (spec.prompt as { count?: unknown } | undefined)?.count
  if (typeof prompts === 'number' && prompts > MAX_WORKLOAD_REQUESTS) {
    fail(where, spec, 'prompt.count', prompts, `is more than ${MAX_WORKLOAD_REQUESTS.toLocaleString('en-US')} (every distinct prompt is built in memory)`)
  }
}

/**
 * Prompt tokens + maxTokens must fit the deployment's max model len (vLLM answers HTTP 400 to every
 * request otherwise). Only token prompts have a known length before they are sent.
 * @param maxModelLen the deployment's context length; `how` says where it comes from.
 */
export function checkPromptFits(spec: WorkloadSpec, where: string, maxModelLen: number, how: string): void {
  const tokens = (spec.prompt as { tokens?: unknown } | undefined)?.tokens
  if (typeof tokens !== 'number') return
  if (tokens + spec.maxTokens > maxModelLen) {
    fail(
      where,
      spec,
      'prompt.tokens',
      tokens,
      `+ maxTokens ${spec.maxTokens} = ${tokens + spec.maxTokens} tokens is more than the max model len ${maxModelLen} (${how}): vLLM would refuse every request with HTTP 400`,
    )
  }
}
