// Loopback servers for load tests: real sockets on 127.0.0.1 port 0, closed in teardown.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { createServer as createNetServer, type Socket } from 'node:net'
import type { AddressInfo } from 'node:net'

export interface Started {
  url: string
  close(): Promise<void>
}

/** node:http server with a request handler; body parsed as JSON when present. */
export async function startHttp(handler: (req: IncomingMessage, res: ServerResponse, body: any) => void): Promise<Started & { server: Server }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8')
      let body: unknown
      try {
        body = text === '' ? undefined : JSON.parse(text)
      } catch {
        body = text
      }
      handler(req, res, body)
    })
  })
  server.keepAliveTimeout = 30_000
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    server,
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

/** Raw TCP server: full control of bytes and of how they are split into writes. */
export async function startRaw(onRequest: (socket: Socket, head: string) => void): Promise<Started> {
  const sockets = new Set<Socket>()
  const server = createNetServer((socket) => {
    sockets.add(socket)
    socket.setNoDelay(true)
    socket.on('close', () => sockets.delete(socket))
    socket.on('error', () => undefined)
    let buffer = ''
    socket.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('latin1')
      const headEnd = buffer.indexOf('\r\n\r\n')
      if (headEnd === -1) return
      const head = buffer.slice(0, headEnd)
      const length = Number(/content-length:\s*(\d+)/i.exec(head)?.[1] ?? 0)
      if (buffer.length < headEnd + 4 + length) return
      buffer = buffer.slice(headEnd + 4 + length)
      onRequest(socket, head)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy()
        server.close(() => resolve())
      }),
  }
}

/** A vLLM-like chat stream: role chunk, one chunk per token, usage chunk, [DONE]. */
export function vllmChatEvents(tokens: string[], promptTokens = 7, options: { role?: boolean; usage?: boolean } = {}): string[] {
  const base = { id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: 'm' }
  const events: string[] = []
  if (options.role ?? true) events.push(JSON.stringify({ ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }] }))
  tokens.forEach((t, i) =>
    events.push(JSON.stringify({ ...base, choices: [{ index: 0, delta: { content: t }, logprobs: null, finish_reason: i === tokens.length - 1 ? 'length' : null }] })),
  )
  if (options.usage ?? true)
    events.push(JSON.stringify({ ...base, choices: [], usage: { prompt_tokens: promptTokens, completion_tokens: tokens.length, total_tokens: promptTokens + tokens.length } }))
  events.push('[DONE]')
  return events.map((e) => `data: ${e}\n\n`)
}

/** Writes an HTTP/1.1 chunked SSE response head. */
export function sseHead(status = 200): string {
  return `HTTP/1.1 ${status} OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\nconnection: keep-alive\r\n\r\n`
}

/** One HTTP chunked-encoding frame carrying `payload`. */
export function chunkFrame(payload: Buffer | string): Buffer {
  const bytes = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload
  return Buffer.concat([Buffer.from(`${bytes.length.toString(16)}\r\n`), bytes, Buffer.from('\r\n')])
}

export const LAST_CHUNK = '0\r\n\r\n'

/** Streams `events` from an http ServerResponse with `delayMs` between them. */
export async function writeEvents(res: ServerResponse, events: string[], delayMs = 0): Promise<void> {
  res.writeHead(200, { 'content-type': 'text/event-stream' })
  for (const e of events) {
    res.write(e)
    if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs))
  }
  res.end()
}

/** A vLLM-like OpenAI server: /v1/models, and streams `max_tokens` tokens after `prefillMs`, `tokenMs` apart. */
export type FakeVllm = Started & { readonly inFlightMax: number; bodies: any[] }

export async function startFakeVllm(options: { prefillMs?: number; tokenMs?: number; maxTokens?: number } = {}): Promise<FakeVllm> {
  let inFlight = 0
  const state = { inFlightMax: 0, bodies: [] as any[] }
  const started = await startHttp((req, res, body) => {
    if (req.method === 'GET') {
      res.end(JSON.stringify({ object: 'list', data: [{ id: 'm' }] }))
      return
    }
    state.bodies.push(body)
    inFlight++
    state.inFlightMax = Math.max(state.inFlightMax, inFlight)
    const n = Math.min(body?.max_tokens ?? 4, options.maxTokens ?? Infinity)
    const promptTokens = Math.ceil(String(body?.messages?.[0]?.content ?? body?.prompt ?? '').length / 4)
    const events = vllmChatEvents(Array.from({ length: n }, (_, i) => ` t${i}`), promptTokens)
    res.writeHead(200, { 'content-type': 'text/event-stream' })
    res.write(events[0]) // role chunk right away
    let k = 1
    const next = (): void => {
      if (k >= events.length) {
        inFlight--
        res.end()
        return
      }
      res.write(events[k++]!)
      setTimeout(next, k === 2 ? 0 : (options.tokenMs ?? 1))
    }
    setTimeout(next, options.prefillMs ?? 5)
  })
  return {
    url: started.url,
    close: started.close,
    get inFlightMax() {
      return state.inFlightMax
    },
    bodies: state.bodies,
  }
}
