/**
 * A fake MLNode whose backends serve PoC v2 like v0.2.12's routes (gonka-ai/gonka
 * mlnode/packages/api/src/api/inference/pow_v2_routes.py over gonka-ai/vllm vllm/poc/routes.py),
 * on the wall clock: init/generate fans out with group ids, each backend POSTs `{url}/generated`
 * every `intervalMs` with `perBatch` nonces of its group; stop fans out; status aggregates.
 * Every call is recorded. Knobs make a backend stall or the stop fail.
 */
import { createServer, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface FakePocOptions {
  backends?: number
  intervalMs?: number
  perBatch?: number
  /** Backends generate but never send an artifact (a hung engine). */
  stall?: boolean
  /** pow/stop answers 500. */
  stopFails?: boolean
}

export interface FakePocMlnode {
  url: string
  calls: string[]
  generating(): boolean[]
  /** Starts generation as a run that was interrupted would have left it. */
  leaveGenerating(): void
  close(): Promise<void>
}

function body(req: IncomingMessage): Promise<Record<string, unknown>> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => resolve(chunks.length ? (JSON.parse(Buffer.concat(chunks).toString()) as Record<string, unknown>) : {}))
  })
}

export async function startFakePocMlnode(o: FakePocOptions = {}): Promise<FakePocMlnode> {
  const n = o.backends ?? 2
  const calls: string[] = []
  const timers: Array<NodeJS.Timeout | undefined> = new Array(n).fill(undefined)
  const start = (i: number, url: string | undefined): void => {
    let x = 0
    timers[i] = setInterval(() => {
      if (o.stall || url === undefined) return
      const artifacts = Array.from({ length: o.perBatch ?? 10 }, () => ({ nonce: i + n * x++, vector_b64: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAA' }))
      fetch(`${url}/generated`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ block_hash: 'h', block_height: 1, public_key: 'k', node_id: 0, artifacts, encoding: { dtype: 'f16', k_dim: 12, endian: 'le' } }) }).catch(() => undefined)
    }, o.intervalMs ?? 50)
  }
  const stopAll = (): void => {
    timers.forEach((t, i) => {
      clearInterval(t)
      timers[i] = undefined
    })
  }
  const server = createServer(async (req, res) => {
    calls.push(`${req.method} ${req.url}`)
    const send = (status: number, json: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' })
      res.end(JSON.stringify(json))
    }
    const ports = Array.from({ length: n }, (_, i) => 5001 + i)
    if (req.method === 'GET' && req.url === '/api/v1/inference/pow/status') {
      const backends = ports.map((port, i) => ({ port, status: timers[i] ? 'GENERATING' : 'IDLE' }))
      const all = (s: string) => backends.every((b) => b.status === s)
      return send(200, { status: all('GENERATING') ? 'GENERATING' : all('IDLE') ? 'IDLE' : 'MIXED', backends })
    }
    if (req.method === 'POST' && req.url === '/api/v1/inference/pow/init/generate') {
      const b = await body(req)
      const results: object[] = []
      const errors: object[] = []
      ports.forEach((port, i) => {
        if (timers[i]) errors.push({ port, error: '{"detail":"Already generating"}' })
        else {
          start(i, b.url as string | undefined)
          results.push({ port, status: 'OK' })
        }
      })
      if (results.length === 0) return send(502, { detail: { errors } })
      return send(200, { status: 'OK', backends: results.length, n_groups: n, results, errors: errors.length ? errors : null })
    }
    if (req.method === 'POST' && req.url === '/api/v1/inference/pow/stop') {
      if (o.stopFails) return send(500, { detail: 'Internal Server Error' })
      stopAll()
      return send(200, { status: 'OK', results: ports.map((port) => ({ port, status: 'stopped' })), errors: null })
    }
    send(404, { detail: 'Not Found' })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    generating: () => timers.map((t) => t !== undefined),
    leaveGenerating: () => timers.forEach((_, i) => start(i, undefined)),
    close: async () => {
      stopAll()
      await new Promise<void>((resolve) => server.close(() => resolve()))
      server.closeAllConnections()
    },
  }
}
