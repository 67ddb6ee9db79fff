/**
 * A stand-in for a Gonka node's REST API on 127.0.0.1 (port 0): it serves models_all, params and
 * node_info bodies exactly as given, so tests control every byte the gateway would send.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export type Route = { status?: number; body: string } | 'hang'

export interface ChainServer {
  url: string
  /** Paths (with query) requested so far. */
  requests: string[]
  routes: Map<string, Route>
  close(): Promise<void>
}

export async function startChainServer(routes: Record<string, Route>): Promise<ChainServer> {
  const table = new Map(Object.entries(routes))
  const requests: string[] = []
  const hanging: ServerResponse[] = []
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = req.url ?? '/'
    requests.push(path)
    const route = table.get(path)
    if (route === 'hang') {
      hanging.push(res)
      return
    }
    if (!route) {
      res.writeHead(501, { 'content-type': 'application/json' }).end(JSON.stringify({ code: 12, message: 'Not Implemented', details: [] }))
      return
    }
    res.writeHead(route.status ?? 200, { 'content-type': 'application/json' }).end(route.body)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    routes: table,
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of hanging) res.destroy()
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
