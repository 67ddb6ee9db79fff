/**
 * A scripted MLNode on a real loopback socket (node:http, port 0): each route is a handler the
 * test writes, so every MLNode behaviour of docs/mlnode.md can be reproduced byte for byte.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { onTestFinished } from 'vitest'
import { MlnodeClient } from '../../src/mlnode/index.js'

export type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void

export interface SeenRequest {
  method: string
  url: string
  authorization: string | undefined
  body: string
}

export interface FakeMlnode {
  port: number
  url: string
  requests: SeenRequest[]
  /** Count of requests to one `METHOD /path` (query ignored). */
  count(route: string): number
  /** Stops listening and drops every connection (hung ones too): the container went away. */
  close(): Promise<void>
  /** Listens again on the same port with the same routes. */
  reopen(routes?: Record<string, Handler>): Promise<void>
}

export function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body)
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) })
  res.end(text)
}

/** A handler answering each call with the next item, repeating the last one. */
export function sequence(...answers: Array<[number, unknown] | Handler>): Handler {
  let i = 0
  return (req, res, body) => {
    const answer = answers[Math.min(i, answers.length - 1)]!
    i += 1
    if (typeof answer === 'function') answer(req, res, body)
    else json(res, answer[0], answer[1])
  }
}

export async function startFakeMlnode(routes: Record<string, Handler>, port = 0): Promise<FakeMlnode> {
  let table = routes
  const requests: SeenRequest[] = []
  let server: Server
  const listen = async (onPort: number): Promise<number> => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = []
      req.on('data', (chunk: Buffer) => chunks.push(chunk))
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8')
        const url = req.url ?? '/'
        requests.push({ method: req.method ?? 'GET', url, authorization: req.headers.authorization, body })
        const handler = table[`${req.method} ${url.split('?')[0]}`]
        if (handler === undefined) json(res, 404, { detail: 'Not Found' })
        else handler(req, res, body)
      })
    })
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(onPort, '127.0.0.1', () => resolve())
    })
    return (server.address() as AddressInfo).port
  }
  const bound = await listen(port)
  const fake: FakeMlnode = {
    port: bound,
    url: `http://127.0.0.1:${bound}`,
    requests,
    count: (route) => requests.filter((r) => `${r.method} ${r.url.split('?')[0]}` === route).length,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
    },
    reopen: async (next) => {
      if (next !== undefined) table = next
      await listen(bound)
    },
  }
  return fake
}

/** Never answers: a hung MLNode. */
export const hang: Handler = () => {}

/** A fake MLNode that deploys fine: the readiness path of a healthy node with `gpus` GPUs. */
export function healthyRoutes(options: { model: string; gpus: number; replicas: number[] }): Record<string, Handler> {
  const gpu = { available: true, count: options.gpus, devices: [] }
  return {
    'POST /api/v1/inference/up/async': sequence([200, { status: 'starting' }]),
    'GET /api/v1/inference/up/status': sequence(
      [200, { status: 'in_progress', is_starting: true, is_running: false, elapsed_seconds: 1 }],
      [200, { status: 'in_progress', is_starting: true, is_running: false, elapsed_seconds: 2 }],
      [200, { status: 'completed', is_starting: false, is_running: true, elapsed_seconds: 3 }],
    ),
    // MLNode says INFERENCE from the moment the manager starts, long before vLLM answers.
    'GET /api/v1/state': sequence([200, { state: 'INFERENCE' }]),
    'GET /health': sequence([200, { status: 'healthy', service_state: 'INFERENCE', gpu, managers: {} }]),
    'GET /api/v1/inference/pow/status': sequence(
      ...options.replicas.map((n): [number, unknown] => [200, { status: 'ok', backends: Array.from({ length: n }, (_, i) => ({ port: 5001 + i })) }]),
    ),
    'GET /v1/models': sequence([200, { object: 'list', data: [{ id: options.model, object: 'model' }] }]),
  }
}

/** A fake MLNode and a client of it, both closed when the current test finishes. */
export async function setup(routes: Record<string, Handler>, options: { requestTimeoutMs?: number; url?: (fake: FakeMlnode) => string } = {}) {
  const fake = await startFakeMlnode(routes)
  onTestFinished(() => fake.close())
  const client = new MlnodeClient({ url: options.url?.(fake) ?? fake.url, requestTimeoutMs: options.requestTimeoutMs ?? 10_000 })
  onTestFinished(() => client.close())
  return { fake, client }
}

/** The error a promise rejects with; fails when it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<Error & { code: string; details: Record<string, unknown> }> {
  try {
    await promise
  } catch (error) {
    return error as Error & { code: string; details: Record<string, unknown> }
  }
  throw new Error('expected a rejection')
}

/** pow/status as MLNode v0.2.12 answers it: live ports IDLE, dead or stale ones ERROR. */
export function powBody(live: number[], errored: number[] = []): [number, unknown] {
  const backends = [...live.map((port) => ({ port, status: 'IDLE' })), ...errored.map((port) => ({ port, status: 'ERROR', detail: 'All connection attempts failed' }))]
  return [200, backends.length === 0 ? { status: 'NO_BACKENDS', backends: [] } : { status: errored.length ? 'MIXED' : 'IDLE', backends }]
}
