/**
 * A suite's PoC workload (`{ name, poc: { durationS, seqLen?, batchSize?, kDim?, stallTimeoutS? } }`):
 * its validation at the edge and its normalised form. A PoC workload has no load fields; the run
 * dispatches it to src/poc/run-poc.ts before anything would read them (src/run/run-bench.ts).
 */
import { MlnodeBenchError } from '../errors.js'
import type { PocSpec, PocWorkloadSpec, WorkloadSpec } from '../contracts/workload.js'

/** No artifact for this long (real seconds) fails the variant as a hung generation. */
export const DEFAULT_STALL_TIMEOUT_S = 120
/** PoCParamsModel.k_dim default (gonka-ai/gonka mlnode/packages/api/src/api/inference/pow_v2_routes.py). */
export const DEFAULT_K_DIM = 12
/** vLLM's PoC rejects batch_size ≤ 2 (gonka-ai/vllm planning-poc-v2/production-phase-1.md "Batch-Shape Invariance"). */
export const MIN_BATCH_SIZE = 3

const POC_FIELDS = new Set(['seqLen', 'batchSize', 'kDim', 'durationS', 'stallTimeoutS'])
/** Load fields that mean nothing to a PoC run: setting one is a mistake worth naming. */
const LOAD_FIELDS = ['requests', 'warmupRequests', 'concurrency', 'arrival', 'durationS', 'prompt', 'maxTokens', 'endpoint', 'slo', 'temperature', 'ignoreEos'] as const

/** True for a workload that asks for a PoC run. */
export function isPocWorkload(spec: { poc?: unknown }): boolean {
  return spec.poc !== undefined
}

function show(value: unknown): string {
  const text = JSON.stringify(value)
  return text === undefined ? String(value) : text
}

/**
 * Throws MlnodeBenchError('MLNB_CONFIG') naming the source, the workload, the field and its value.
 * @param source the suite file and field the workload came from. @default spec.source
 */
export function validatePocWorkload(spec: PocWorkloadSpec | WorkloadSpec, source: string | undefined = spec.source): void {
  const where = source === undefined ? '' : `${source}: `
  const name = typeof spec.name === 'string' ? spec.name : '(unnamed)'
  const fail = (field: string, value: unknown, why: string): never => {
    throw new MlnodeBenchError('MLNB_CONFIG', `${where}workload "${name}": ${field} = ${show(value)} ${why}`, { details: { source, workload: name, field, value } })
  }
  if (typeof spec.name !== 'string' || spec.name.trim() === '') fail('name', spec.name, 'must be a non-empty string')
  const poc = spec.poc as unknown
  if (poc === null || typeof poc !== 'object' || Array.isArray(poc)) fail('poc', poc, 'must be an object { durationS, seqLen?, batchSize?, kDim?, stallTimeoutS? }')
  const p = poc as Record<string, unknown>
  for (const key of Object.keys(p)) if (!POC_FIELDS.has(key)) fail(`poc.${key}`, p[key], `is not a PoC field (known: ${[...POC_FIELDS].join(', ')})`)
  const record = spec as unknown as Record<string, unknown>
  for (const key of LOAD_FIELDS) if (record[key] !== undefined) fail(key, record[key], 'is a load field: a PoC workload has none (put the duration in poc.durationS)')
  const positiveInt = (field: keyof PocSpec, min = 1): void => {
    const v = p[field]
    if (v !== undefined && !(typeof v === 'number' && Number.isInteger(v) && v >= min)) fail(`poc.${field}`, v, `must be an integer ≥ ${min}`)
  }
  const positive = (field: keyof PocSpec, required: boolean): void => {
    const v = p[field]
    if (v === undefined && !required) return
    if (!(typeof v === 'number' && Number.isFinite(v) && v > 0)) fail(`poc.${field}`, v, 'must be a finite number > 0')
  }
  positive('durationS', true)
  positive('stallTimeoutS', false)
  positiveInt('seqLen')
  positiveInt('batchSize', MIN_BATCH_SIZE)
  positiveInt('kDim')
}

/**
 * The suite's PoC workload where a WorkloadSpec goes (plans, bench names, results keys). It keeps
 * no load fields: nothing reads them, because the run dispatches on `poc` first (run-bench.ts).
 */
export function pocWorkloadSpec(spec: PocWorkloadSpec): WorkloadSpec {
  return { ...spec } as unknown as WorkloadSpec
}
