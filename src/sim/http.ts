/** Small HTTP helpers for the simulator's servers (node:http, no framework). */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/** Headers on every simulator response, so no result can pass for a real server's. */
export interface SimHeaders {
  'x-mlnode-sim': '1'
  'x-mlnode-sim-speed': string
  'x-mlnode-sim-hardware': string
}

/** Sends a JSON body with its length (no-op once the response started or the socket died). */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent || res.destroyed) return
  const text = JSON.stringify(body)
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) })
  res.end(text)
}

/** Reads the whole body as text (bounded, 32 MiB: a prompt of ~16 M tokens is already absurd). */
export function readBody(req: IncomingMessage, limitBytes = 32 * 1024 * 1024): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (c: Buffer) => {
      size += c.length
      if (size > limitBytes) {
        reject(new Error(`request body over ${limitBytes} bytes`))
        req.destroy()
        return
      }
      chunks.push(c)
    })
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}

/** A request handler of RestartableServer. */
export type Handler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>

/**
 * An HTTP server that can stop listening and listen again on the same port, as a restarting
 * container's mapped port does (connection refused in between).
 */
export class RestartableServer {
  private server: Server | undefined
  private portNumber = 0

  constructor(private readonly handler: Handler, private readonly host: string) {}

  get port(): number {
    return this.portNumber
  }

  get listening(): boolean {
    return this.server?.listening ?? false
  }

  async listen(port: number): Promise<number> {
    const server = createServer((req, res) => {
      Promise.resolve(this.handler(req, res)).catch((error: unknown) => {
        sendJson(res, 500, { detail: `simulator internal error: ${error instanceof Error ? error.message : String(error)}` })
      })
    })
    server.keepAliveTimeout = 5_000
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(port, this.host, () => {
        server.off('error', reject)
        resolve()
      })
    })
    this.server = server
    this.portNumber = (server.address() as AddressInfo).port
    return this.portNumber
  }

  /** Stops listening and drops every open connection. */
  async close(): Promise<void> {
    const server = this.server
    this.server = undefined
    if (server === undefined) return
    await new Promise<void>((resolve) => {
      server.close(() => resolve())
      server.closeAllConnections()
    })
  }

  /** Listens again on the same port (retrying briefly if the OS holds it). */
  async reopen(): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.listen(this.portNumber)
        return
      } catch (error) {
        if (attempt >= 20) throw error
        await new Promise((r) => setTimeout(r, 50))
      }
    }
  }
}
