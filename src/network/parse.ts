/**
 * Strict readers of what a Gonka node's REST API (the Cosmos SDK gRPC gateway) serves:
 * - `GET /productscience/inference/inference/models_all` → `QueryModelsAllResponse`
 *   `{ "model": [Model…], "pagination": {…} }` (query.proto);
 * - `GET /productscience/inference/inference/params` → `{ "params": { "poc_params": { "models": [PoCModelConfig…] } } }`.
 * The gateway marshals with the proto field names (`OrigName`) and emits defaults; 64-bit integers
 * are JSON strings (proto3 JSON mapping), a chain `Decimal` is `{ "value": "920", "exponent": -3 }`.
 * Every missing or mistyped field is an MLNB_CHAIN error naming the URL and the field's path.
 */
import { MlnodeBenchError } from '../errors.js'
import type { NetworkModel, PocSettings } from './types.js'

/** Fails naming the URL, the field and what was there. */
function bad(url: string, field: string, problem: string, value?: unknown): MlnodeBenchError {
  const shown = value === undefined ? '' : `, got ${JSON.stringify(value)?.slice(0, 80) ?? String(value)}`
  return new MlnodeBenchError('MLNB_CHAIN', `Chain answer from ${url}: field "${field}" ${problem}${shown}`, { details: { url, field } })
}

/** Parses a body as JSON. @throws MlnodeBenchError MLNB_CHAIN naming the URL. */
export function parseJsonBody(text: string, url: string): unknown {
  try {
    return JSON.parse(text)
  } catch (error) {
    throw new MlnodeBenchError('MLNB_CHAIN', `Chain answer from ${url} is not JSON (${(error as Error).message}): ${JSON.stringify(text.slice(0, 120))}`, { cause: error, details: { url } })
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function record(url: string, field: string, value: unknown): Record<string, unknown> {
  if (!isRecord(value)) throw bad(url, field, value === undefined ? 'is missing' : 'must be an object', value)
  return value
}

function text(url: string, field: string, value: unknown, { nonEmpty = true } = {}): string {
  if (typeof value !== 'string') throw bad(url, field, value === undefined ? 'is missing' : 'must be a string', value)
  if (nonEmpty && value.length === 0) throw bad(url, field, 'must not be empty', value)
  return value
}

/** A proto3 JSON integer: a number, or (64-bit and any) a string of digits. */
function integer(url: string, field: string, value: unknown): number {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value
  if (typeof value === 'string' && /^-?\d+$/.test(value) && Number.isSafeInteger(Number(value))) return Number(value)
  throw bad(url, field, value === undefined ? 'is missing' : 'must be an integer (proto3 JSON: a number or a string of digits)', value)
}

/** A chain `Decimal` (params.proto: int64 value, int32 exponent) as a number: value × 10^exponent. */
export function decimal(url: string, field: string, value: unknown): number {
  const d = record(url, field, value)
  const v = integer(url, `${field}.value`, d.value)
  const e = integer(url, `${field}.exponent`, d.exponent)
  // Through the decimal string, so 920e-3 is exactly the double nearest 0.92.
  return Number(`${v}e${e}`)
}

function optionalInteger(url: string, field: string, value: unknown): number | undefined {
  return value === undefined ? undefined : integer(url, field, value)
}

/** One `Model` of models_all. */
function parseModel(url: string, at: string, value: unknown): NetworkModel {
  const m = record(url, at, value)
  // Fields in the proto's order, so the first broken one is the one named.
  const id = text(url, `${at}.id`, m.id)
  const unitsOfComputePerToken = optionalInteger(url, `${at}.units_of_compute_per_token`, m.units_of_compute_per_token)
  const hfRepo = text(url, `${at}.hf_repo`, m.hf_repo)
  const hfCommit = text(url, `${at}.hf_commit`, m.hf_commit, { nonEmpty: false })
  const args = m.model_args
  if (!Array.isArray(args)) throw bad(url, `${at}.model_args`, args === undefined ? 'is missing' : 'must be an array of strings', args)
  const modelArgs = args.map((arg, i) => text(url, `${at}.model_args[${i}]`, arg))
  const vramGb = integer(url, `${at}.v_ram`, m.v_ram)
  const throughputPerNonce = optionalInteger(url, `${at}.throughput_per_nonce`, m.throughput_per_nonce)
  const validationThreshold = decimal(url, `${at}.validation_threshold`, m.validation_threshold)
  return {
    id,
    hfRepo,
    hfCommit,
    modelArgs,
    vramGb,
    validationThreshold,
    ...(throughputPerNonce === undefined ? {} : { throughputPerNonce }),
    ...(unitsOfComputePerToken === undefined ? {} : { unitsOfComputePerToken }),
    source: { registry: 'live', url },
  }
}

export interface ModelsPage {
  models: NetworkModel[]
  /** `pagination.next_key` when the chain has more models (base64), else undefined. */
  nextKey?: string
}

/** Parses a `models_all` body. @throws MlnodeBenchError MLNB_CHAIN naming the URL and field. */
export function parseModelsAll(body: string, url: string): ModelsPage {
  const root = record(url, '(body)', parseJsonBody(body, url))
  if (!Array.isArray(root.model)) throw bad(url, 'model', root.model === undefined ? 'is missing (expected the QueryModelsAllResponse list)' : 'must be an array', root.model)
  const models = root.model.map((m, i) => parseModel(url, `model[${i}]`, m))
  const seen = new Set<string>()
  for (const [i, m] of models.entries()) {
    if (seen.has(m.id)) throw bad(url, `model[${i}].id`, 'repeats an id listed before', m.id)
    seen.add(m.id)
  }
  const pagination = root.pagination
  const nextKey = isRecord(pagination) && typeof pagination.next_key === 'string' && pagination.next_key.length > 0 ? pagination.next_key : undefined
  return { models, ...(nextKey ? { nextKey } : {}) }
}

/** Parses a `params` body into the PoC settings of each model (`poc_params.models`; none on older chains). */
export function parsePocModels(body: string, url: string): Map<string, PocSettings> {
  const root = record(url, '(body)', parseJsonBody(body, url))
  const params = record(url, 'params', root.params)
  const poc = record(url, 'params.poc_params', params.poc_params)
  const out = new Map<string, PocSettings>()
  if (poc.models === undefined || poc.models === null) return out
  if (!Array.isArray(poc.models)) throw bad(url, 'params.poc_params.models', 'must be an array', poc.models)
  for (const [i, value] of poc.models.entries()) {
    const at = `params.poc_params.models[${i}]`
    const c = record(url, at, value)
    const stat = record(url, `${at}.stat_test`, c.stat_test)
    const pValue = stat.p_value_threshold
    out.set(text(url, `${at}.model_id`, c.model_id), {
      seqLen: integer(url, `${at}.seq_len`, c.seq_len),
      distThreshold: decimal(url, `${at}.stat_test.dist_threshold`, stat.dist_threshold),
      pMismatch: decimal(url, `${at}.stat_test.p_mismatch`, stat.p_mismatch),
      ...(pValue === undefined || pValue === null ? {} : { pValueThreshold: decimal(url, `${at}.stat_test.p_value_threshold`, pValue) }),
    })
  }
  return out
}
