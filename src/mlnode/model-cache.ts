/**
 * Before a deploy on a real MLNode: is the model in MLNode's cache? MLNode's model routes
 * (gonka-ai/gonka mlnode/packages/api/src/api/models/routes.py): `POST /api/v1/models/status
 * {hf_repo, hf_commit}` answers DOWNLOADED, DOWNLOADING (with `progress.elapsed_seconds`),
 * NOT_FOUND or PARTIAL; `POST /api/v1/models/download` starts a download (202; IGNORED when the
 * node runs with HF_HUB_OFFLINE). A download is waited for here, with progress, so its time is
 * never counted as deploy time. A node without these routes, or refusing the call (they may
 * require a signature), is deployed as before.
 */
import { Pool } from 'undici'
import { MlnodeBenchError } from '../errors.js'
import { parseEndpoint } from './endpoint.js'
import { callJson } from './http.js'

export interface ModelCacheOutcome {
  /** The status before the deploy: DOWNLOADED, or what was waited out. */
  status: string
  /** Seconds spent waiting for the download (0 when the model was cached). */
  waitedS: number
}

export interface ModelCacheOptions {
  label: string
  print: (line: string) => void
  /** Bound on the wait for a download (real ms, performance.now() clock). */
  deadlineAt: number
  /** @default 5000 */
  pollIntervalMs?: number
  /** Progress lines at most this often, ms. @default 30_000 */
  printEveryMs?: number
}

/** Calls that mean "this node has no usable model routes": deploy as before. */
const UNAVAILABLE = new Set([401, 403, 404, 405, 422, 501])

/** Waits until `model` is in MLNode's cache; undefined when the node cannot say. */
export async function waitForModelCache(mgmtUrl: string, model: string, o: ModelCacheOptions): Promise<ModelCacheOutcome | undefined> {
  const endpoint = parseEndpoint(mgmtUrl, 'MLNode URL')
  const pool = new Pool(endpoint.origin, { connections: 1 })
  const body = { hf_repo: model, hf_commit: null }
  const call = async (path: string): Promise<{ statusCode: number; json: Record<string, unknown> }> => {
    const answer = await callJson(pool, endpoint, { method: 'POST', path, body, timeoutMs: 30_000 })
    return { statusCode: answer.statusCode, json: (typeof answer.json === 'object' && answer.json !== null ? answer.json : {}) as Record<string, unknown> }
  }
  const started = performance.now()
  try {
    let answer = await call('/api/v1/models/status')
    if (UNAVAILABLE.has(answer.statusCode) || answer.statusCode >= 500 || typeof answer.json.status !== 'string') return undefined
    const first = answer.json.status as string
    if (first === 'DOWNLOADED') return { status: first, waitedS: 0 }
    if (first === 'NOT_FOUND' || first === 'PARTIAL') {
      const started = await call('/api/v1/models/download')
      if (started.json.status === 'IGNORED') {
        o.print(`${o.label} ${model} is ${first} in MLNode's cache and the node is offline (HF_HUB_OFFLINE): vLLM will have to find it`)
        return { status: first, waitedS: 0 }
      }
      // 409: already downloading, which is what we wait for anyway.
      if (started.statusCode >= 400 && started.statusCode !== 409) return undefined
    }
    o.print(`${o.label} ${model} is ${first} in MLNode's cache: waiting for the download (not counted as deploy time)`)
    let lastPrint = performance.now()
    for (;;) {
      if (performance.now() >= o.deadlineAt) {
        throw new MlnodeBenchError('MLNB_DEPLOY_TIMEOUT', `${o.label} the download of ${model} into MLNode's cache did not finish within ${((o.deadlineAt - started) / 1000).toFixed(0)} s`, { details: { model } })
      }
      await new Promise((r) => setTimeout(r, o.pollIntervalMs ?? 5000))
      answer = await call('/api/v1/models/status')
      const status = answer.json.status
      if (status === 'DOWNLOADED') {
        const waitedS = (performance.now() - started) / 1000
        o.print(`${o.label} ${model} downloaded after ${waitedS.toFixed(1)} s`)
        return { status: first, waitedS }
      }
      if (status !== 'DOWNLOADING') {
        const why = typeof answer.json.error_message === 'string' ? `: ${answer.json.error_message}` : ''
        throw new MlnodeBenchError('MLNB_DEPLOY_FAILED', `${o.label} the download of ${model} into MLNode's cache stopped: status ${String(status)}${why}`, { details: { model, status } })
      }
      if (performance.now() - lastPrint >= (o.printEveryMs ?? 30_000)) {
        lastPrint = performance.now()
        const elapsed = (answer.json.progress as { elapsed_seconds?: unknown } | null)?.elapsed_seconds
        o.print(`${o.label} downloading ${model}: ${typeof elapsed === 'number' ? `${elapsed.toFixed(0)} s so far (MLNode)` : 'in progress'}`)
      }
    }
  } finally {
    await pool.close()
  }
}
