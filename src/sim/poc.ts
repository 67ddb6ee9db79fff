/**
 * MLNode's PoC v2 routes, served by the simulator as MLNode proxies them to its vLLM backends
 * (gonka-ai/gonka mlnode/packages/api/src/api/inference/pow_v2_routes.py; docs/poc.md
 * "Protocol"): `init/generate` fans out to every port the proxy lists as healthy, injecting
 * group_id = its index and n_groups = their count; `stop` fans out; `status` aggregates
 * GENERATING / IDLE / MIXED; `generate` computes explicit nonces on one backend (round robin)
 * and `generate/{port:id}` polls it. Each backend's side is ./poc-backend.ts.
 */
import { randomUUID } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Deployment } from './deployment.js'
import { readBody, sendJson } from './http.js'
import { nonceIterator, pocBatchSeconds, PocBackend, simulatedVector, type VectorNumerics } from './poc-backend.js'
import { logitsIdentity } from './logits.js'
import type { Replica } from './replica.js'

const PREFIX = '/api/v1/inference/pow'
/** POC_BATCH_SIZE_DEFAULT of the backend (gonka-ai/vllm vllm/poc/routes.py) and MLNode's own default. */
const DEFAULT_BATCH_SIZE = 32
const CONNECT_ERROR = 'All connection attempts failed'

const backends = new WeakMap<Replica, PocBackend>()
/** The PoC side of a replica (created on first use; a new replica starts IDLE). */
export function pocBackendOf(replica: Replica): PocBackend {
  let backend = backends.get(replica)
  if (backend === undefined) backends.set(replica, (backend = new PocBackend(replica)))
  return backend
}

interface PydanticError {
  type: string
  loc: Array<string | number>
  msg: string
  input: unknown
}

type Field = 'str' | 'int' | 'bool' | 'int[]'
const isInt = (v: unknown): boolean => typeof v === 'number' && Number.isInteger(v)
const TYPE_OK: Record<Field, (v: unknown) => boolean> = { str: (v) => typeof v === 'string', int: isInt, bool: (v) => typeof v === 'boolean', 'int[]': (v) => Array.isArray(v) && v.every(isInt) }
const TYPE_MSG: Record<Field, [string, string]> = {
  str: ['string_type', 'Input should be a valid string'],
  int: ['int_type', 'Input should be a valid integer'],
  bool: ['bool_type', 'Input should be a valid boolean'],
  'int[]': ['list_type', 'Input should be a valid list of integers'],
}

/** Checks fields like pydantic would (required / optional, type); 422 detail entries. */
function checkFields(body: Record<string, unknown>, fields: Record<string, [Field, boolean]>, loc: Array<string | number>, detail: PydanticError[]): void {
  for (const [name, [type, required]] of Object.entries(fields)) {
    const v = body[name]
    if (v === undefined || v === null) {
      if (required) detail.push({ type: 'missing', loc: [...loc, name], msg: 'Field required', input: body })
      continue
    }
    if (!TYPE_OK[type](v)) detail.push({ type: TYPE_MSG[type][0], loc: [...loc, name], msg: TYPE_MSG[type][1], input: v })
  }
}

const COMMON: Record<string, [Field, boolean]> = { block_hash: ['str', true], block_height: ['int', true], public_key: ['str', true], node_id: ['int', true], node_count: ['int', true], batch_size: ['int', false], url: ['str', false] }

/** PoCParamsModel: `extra="forbid"`, exactly model, seq_len, k_dim. */
function checkParams(params: unknown, detail: PydanticError[]): void {
  if (typeof params !== 'object' || params === null || Array.isArray(params)) {
    detail.push({ type: params === undefined ? 'missing' : 'model_type', loc: ['body', 'params'], msg: params === undefined ? 'Field required' : 'Input should be a valid dictionary', input: params })
    return
  }
  const p = params as Record<string, unknown>
  checkFields(p, { model: ['str', true], seq_len: ['int', true], k_dim: ['int', false] }, ['body', 'params'], detail)
  for (const key of Object.keys(p)) if (!['model', 'seq_len', 'k_dim'].includes(key)) detail.push({ type: 'extra_forbidden', loc: ['body', 'params', key], msg: 'Extra inputs are not permitted', input: p[key] })
}

async function parseBody(req: IncomingMessage, extra: Record<string, [Field, boolean]>): Promise<{ ok: true; body: Record<string, unknown> } | { ok: false; detail: PydanticError[] }> {
  let body: unknown
  try {
    body = JSON.parse(await readBody(req))
  } catch {
    return { ok: false, detail: [{ type: 'json_invalid', loc: ['body', 0], msg: 'JSON decode error', input: {} }] }
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return { ok: false, detail: [{ type: 'model_attributes_type', loc: ['body'], msg: 'Input should be a valid dictionary or object to extract fields from', input: body }] }
  const b = body as Record<string, unknown>
  const detail: PydanticError[] = []
  checkFields(b, { ...COMMON, ...extra }, ['body'], detail)
  checkParams(b.params, detail)
  return detail.length > 0 ? { ok: false, detail } : { ok: true, body: b }
}

/** The backend behind a port MLNode lists, or undefined when nothing answers there. */
function backendAt(d: Deployment, port: number): PocBackend | undefined {
  const replica = d.replicas.find((r) => r.port === port && r.healthy)
  return replica === undefined ? undefined : pocBackendOf(replica)
}

/** vLLM's check_params_match: the model must be the deployed one (409 otherwise). */
function modelMismatch(d: Deployment, params: Record<string, unknown>): object | undefined {
  const deployed = d.variant?.servedModel
  if (deployed === undefined || params.model === deployed) return undefined
  return { error: 'params mismatch', requested: { model: params.model, seq_len: params.seq_len, k_dim: params.k_dim ?? 12 }, deployed: { model: [deployed], seq_len: null, k_dim: null } }
}

/** pow/status as MLNode aggregates it; a backend that never generated answers as before (idle, its requests). */
export function pocStatusBody(d: Deployment): object {
  const ports = d.proxy.listed()
  if (ports.length === 0) return { status: 'NO_BACKENDS', backends: [] }
  const list = ports.map((port) => {
    const replica = d.replicas.find((r) => r.port === port && r.healthy)
    if (replica === undefined) return { port, status: 'ERROR', detail: CONNECT_ERROR }
    const backend = backends.get(replica)
    return backend?.generating ? { port, ...backend.status(), active_requests: replica.inFlight } : { port, status: 'IDLE', active_requests: replica.inFlight }
  })
  const statuses = list.map((b) => b.status)
  const status = statuses.every((s) => s === 'GENERATING') ? 'GENERATING' : statuses.some((s) => s === 'GENERATING') ? 'MIXED' : statuses.every((s) => s === 'IDLE') ? 'IDLE' : 'MIXED'
  return { status, backends: list }
}

let roundRobin = 0
const queued = new Map<string, { status: 'queued' | 'completed' | 'failed'; result?: object; error?: string }>()

/** Routes a PoC request; false when the path is not a PoC route. */
export async function handlePoc(d: Deployment, req: IncomingMessage, res: ServerResponse, path: string): Promise<boolean> {
  if (!path.startsWith(PREFIX)) return false
  const route = `${req.method ?? 'GET'} ${path.slice(PREFIX.length)}`
  const send = (status: number, body: unknown): true => {
    sendJson(res, status, body)
    return true
  }
  if (route === 'GET /status') return send(200, pocStatusBody(d))
  if (route === 'POST /init/generate') {
    const parsed = await parseBody(req, {})
    if (!parsed.ok) return send(422, { detail: parsed.detail })
    const b = parsed.body
    const ports = d.proxy.listed()
    if (ports.length === 0) return send(503, { detail: 'No vLLM backends available' })
    const params = b.params as Record<string, unknown>
    const results: object[] = []
    const errors: object[] = []
    ports.forEach((port, groupId) => {
      const backend = backendAt(d, port)
      const mismatch = modelMismatch(d, params)
      if (backend === undefined) errors.push({ port, error: CONNECT_ERROR })
      else if (mismatch !== undefined) errors.push({ port, error: JSON.stringify({ detail: mismatch }) })
      else if (backend.generating) errors.push({ port, error: JSON.stringify({ detail: 'Already generating' }) })
      else {
        backend.start({
          blockHash: b.block_hash as string,
          blockHeight: b.block_height as number,
          publicKey: b.public_key as string,
          nodeId: b.node_id as number,
          nodeCount: b.node_count as number,
          groupId,
          nGroups: ports.length,
          batchSize: (b.batch_size as number | undefined) ?? DEFAULT_BATCH_SIZE,
          seqLen: params.seq_len as number,
          kDim: (params.k_dim as number | undefined) ?? 12,
          ...vectorNumerics(d),
          ...(typeof b.url === 'string' ? { url: b.url } : {}),
        })
        results.push({ port, status: 'OK' })
      }
    })
    if (results.length === 0) return send(502, { detail: { errors } })
    return send(200, { status: 'OK', backends: results.length, n_groups: ports.length, results, errors: errors.length > 0 ? errors : null })
  }
  if (route === 'POST /stop') {
    const ports = d.proxy.listed()
    if (ports.length === 0) return send(200, { status: 'OK', message: 'No backends to stop' })
    const results: object[] = []
    const errors: object[] = []
    for (const port of ports) {
      const backend = backendAt(d, port)
      if (backend === undefined) errors.push({ port, error: CONNECT_ERROR })
      else {
        backend.stop()
        results.push({ port, status: 'stopped' })
      }
    }
    return send(200, { status: 'OK', results, errors: errors.length > 0 ? errors : null })
  }
  if (route === 'POST /generate') return generate(d, req, send)
  if (req.method === 'GET' && path.startsWith(`${PREFIX}/generate/`)) {
    const id = decodeURIComponent(path.slice(`${PREFIX}/generate/`.length))
    if (!id.includes(':')) return send(400, { detail: 'Invalid request_id format (expected port:uuid)' })
    const record = queued.get(id)
    if (record === undefined) return send(404, { detail: 'Request not found' })
    return send(200, { status: record.status, request_id: id, ...(record.result ?? {}), ...(record.error ? { error: record.error } : {}) })
  }
  return false
}

/** IEEE binary16 → number. */
function f16(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1
  const exp = (bits >> 10) & 0x1f
  const mant = bits & 0x3ff
  if (exp === 0) return sign * 2 ** -14 * (mant / 1024)
  if (exp === 31) return mant ? Number.NaN : sign * Number.POSITIVE_INFINITY
  return sign * 2 ** (exp - 15) * (1 + mant / 1024)
}

function decodeVector(b64: string): number[] {
  const bytes = Buffer.from(b64, 'base64')
  return Array.from({ length: Math.floor(bytes.length / 2) }, (_, i) => f16(bytes.readUInt16LE(i * 2)))
}

/** The deployment's numerics for its PoC vectors: the same identity its logits have (src/sim/logits.ts). */
function vectorNumerics(d: Deployment): { numerics?: VectorNumerics } {
  const variant = d.variant
  if (d.request === undefined || variant === undefined) return {}
  const { outputKey, layoutKey } = logitsIdentity(d.request, d.hardwareId, variant)
  return { numerics: { outputKey, layoutKey } }
}

/** P(X ≥ k) for X ~ Binomial(n, p): scipy's binomtest(alternative='greater'). */
export function binomialGreater(k: number, n: number, p: number): number {
  if (k <= 0) return 1
  let logC = 0
  let total = 0
  for (let i = 0; i <= n; i++) {
    if (i > 0) logC += Math.log(n - i + 1) - Math.log(i)
    if (i >= k) total += Math.exp(logC + i * Math.log(p) + (n - i) * Math.log1p(-p))
  }
  return Math.min(1, total)
}

/** `POST /generate`: explicit nonces on one backend, chunked by batch_size, optionally validated. */
async function generate(d: Deployment, req: IncomingMessage, send: (status: number, body: unknown) => true): Promise<true> {
  const parsed = await parseBody(req, { nonces: ['int[]', true], wait: ['bool', false] })
  if (!parsed.ok) return send(422, { detail: parsed.detail })
  const b = parsed.body
  const ports = d.proxy.listed().filter((port) => backendAt(d, port) !== undefined)
  if (ports.length === 0) return send(503, { detail: 'No vLLM backends available' })
  const port = ports[roundRobin++ % ports.length]!
  const backend = backendAt(d, port)!
  const params = b.params as Record<string, unknown>
  const mismatch = modelMismatch(d, params)
  if (mismatch !== undefined) return send(409, { detail: JSON.stringify({ detail: mismatch }) })
  const nonces = b.nonces as number[]
  const validation = b.validation as { artifacts?: Array<{ nonce: number; vector_b64: string }> } | undefined
  if (validation?.artifacts !== undefined) {
    const given = new Set(validation.artifacts.map((a) => a.nonce))
    if (given.size !== new Set(nonces).size || nonces.some((n) => !given.has(n))) return send(400, { detail: 'validation.artifacts nonces must match nonces field' })
  }
  const batchSize = (b.batch_size as number | undefined) ?? DEFAULT_BATCH_SIZE
  const seqLen = params.seq_len as number
  const kDim = (params.k_dim as number | undefined) ?? 12
  const clock = backend.replica.clock
  const chunkS = pocBatchSeconds(backend.replica, batchSize, seqLen)
  const compute = (): Promise<object> =>
    new Promise((resolve, reject) => {
      if (!Number.isFinite(chunkS)) return reject(new Error('Timeout after 60.0s'))
      const chunks = Math.ceil(nonces.length / batchSize)
      clock.at(clock.nowS() + chunks * chunkS, () => {
        const artifacts = nonces.map((nonce) => ({ nonce, vector_b64: simulatedVector(b.block_hash as string, b.public_key as string, nonce, kDim, vectorNumerics(d).numerics) }))
        if (validation?.artifacts === undefined) return resolve({ artifacts, encoding: { dtype: 'f16', k_dim: kDim, endian: 'le' } })
        const stat = (b.stat_test ?? {}) as { dist_threshold?: number; p_mismatch?: number; fraud_threshold?: number }
        const received = new Map(validation.artifacts.map((a) => [a.nonce, a.vector_b64]))
        const mismatchNonces = artifacts.filter((a) => {
          const mine = decodeVector(a.vector_b64)
          const theirs = decodeVector(received.get(a.nonce) ?? '')
          const dist = mine.length !== theirs.length ? Number.POSITIVE_INFINITY : Math.hypot(...mine.map((v, i) => v - theirs[i]!))
          return !(dist <= (stat.dist_threshold ?? 0.02))
        }).map((a) => a.nonce)
        const pValue = binomialGreater(mismatchNonces.length, nonces.length, stat.p_mismatch ?? 0.001)
        resolve({ n_total: nonces.length, n_mismatch: mismatchNonces.length, mismatch_nonces: mismatchNonces, p_value: pValue, fraud_detected: pValue < (stat.fraud_threshold ?? 0.01) })
      })
    })
  if (b.wait === true) {
    const result = await compute().catch((e: Error) => e)
    if (result instanceof Error) return send(503, { detail: result.message })
    return send(200, { status: 'completed', request_id: randomUUID(), ...result })
  }
  const id = `${port}:${randomUUID()}`
  queued.set(id, { status: 'queued' })
  compute().then(
    (result) => queued.set(id, { status: 'completed', result }),
    (e: Error) => queued.set(id, { status: 'failed', error: e.message }),
  )
  return send(200, { status: 'queued', request_id: id, queued_count: nonces.length })
}

export { nonceIterator }
