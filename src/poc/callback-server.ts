/**
 * The loopback receiver of PoC artifacts: vLLM's CallbackSender POSTs `{url}/generated` every
 * POC_CALLBACK_INTERVAL_SEC (5 s) with every artifact since the last send
 * (gonka-ai/vllm vllm/poc/callbacks.py; payload `{block_hash, block_height, public_key, node_id,
 * artifacts: [{nonce, vector_b64}], encoding: {dtype, k_dim, endian}}`). Listens on 127.0.0.1,
 * port 0; the run starts and closes it itself. Keeps counts, not the artifacts.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

/** Simulator only (docs/poc.md "On the simulator"): the simulated send time and generation start, seconds. */
export const SIM_SENT_HEADER = 'x-mlnode-bench-sim-s'
export const SIM_STARTED_HEADER = 'x-mlnode-bench-sim-started-s'

/** One `POST …/generated` received. */
export interface CallbackBatch {
  /** performance.now() at receipt, ms. */
  receivedAtMs: number
  /** The simulator's clock at the send and at its backend's generation start (simulated time only). */
  simSentS?: number
  simStartedS?: number
  artifacts: number
  /** The batch's nonces (to split them by backend group). */
  nonces: number[]
}

export interface CallbackServer {
  /** The `url` to hand to init/generate (the backend appends `/generated`). */
  readonly url: string
  readonly batches: readonly CallbackBatch[]
  /** Bodies that were not an artifact batch (answered 400): the protocol broke. */
  readonly rejected: readonly string[]
  /** Calls `listener` on every batch received; returns its removal. */
  onBatch(listener: (batch: CallbackBatch) => void): () => void
  close(): Promise<void>
}

const BASE_PATH = '/mlnode-bench-poc'
const MAX_BODY_BYTES = 256 * 1024 * 1024

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > MAX_BODY_BYTES) req.destroy(new Error(`callback body over ${MAX_BODY_BYTES} bytes`))
      else chunks.push(chunk)
    })
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}

function headerNumber(req: IncomingMessage, name: string): number | undefined {
  const value = req.headers[name]
  const n = typeof value === 'string' ? Number(value) : Number.NaN
  return Number.isFinite(n) ? n : undefined
}

/** The nonces of an artifact batch, or why the body is not one. */
function parseBatch(text: string): { nonces: number[] } | { error: string } {
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    return { error: 'not JSON' }
  }
  const artifacts = (body as { artifacts?: unknown })?.artifacts
  if (!Array.isArray(artifacts)) return { error: 'no artifacts list' }
  const nonces: number[] = []
  for (const a of artifacts) {
    const nonce = (a as { nonce?: unknown })?.nonce
    if (typeof nonce !== 'number' || !Number.isInteger(nonce)) return { error: `artifact without an integer nonce: ${JSON.stringify(a).slice(0, 80)}` }
    nonces.push(nonce)
  }
  return { nonces }
}

/** Starts the receiver on 127.0.0.1, port 0. */
export async function startCallbackServer(): Promise<CallbackServer> {
  const batches: CallbackBatch[] = []
  const rejected: string[] = []
  const listeners = new Set<(batch: CallbackBatch) => void>()
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0]
    const answer = (status: number, body: object): void => {
      res.writeHead(status, { 'content-type': 'application/json' })
      res.end(JSON.stringify(body))
    }
    if (req.method !== 'POST' || (path !== `${BASE_PATH}/generated` && path !== `${BASE_PATH}/validated`)) return answer(404, { detail: 'Not Found' })
    readBody(req).then(
      (text) => {
        if (path.endsWith('/validated')) return answer(200, { status: 'OK' })
        const parsed = parseBatch(text)
        if ('error' in parsed) {
          rejected.push(parsed.error)
          return answer(400, { detail: parsed.error })
        }
        const simSentS = headerNumber(req, SIM_SENT_HEADER)
        const simStartedS = headerNumber(req, SIM_STARTED_HEADER)
        const batch: CallbackBatch = { receivedAtMs: performance.now(), artifacts: parsed.nonces.length, nonces: parsed.nonces, ...(simSentS === undefined ? {} : { simSentS }), ...(simStartedS === undefined ? {} : { simStartedS }) }
        batches.push(batch)
        answer(200, { status: 'OK' })
        for (const listener of listeners) listener(batch)
      },
      () => answer(400, { detail: 'unreadable body' }),
    )
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}${BASE_PATH}`,
    batches,
    rejected,
    onBatch(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}
