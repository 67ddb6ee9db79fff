/**
 * The floor under any Node.js streaming client on this machine, for the overhead benchmark: raw
 * TCP sockets, no HTTP or SSE parsing, no JSON; each read is stamped (with the same read stamper
 * as the engine) and its content events counted by a byte search. What the engine adds on top of
 * this (undici's HTTP/1.1 parser and streams, SSE, records) is the engine's own overhead; what this
 * already shows is the kernel, libuv and the machine.
 */
import { connect, type Socket } from 'node:net'
import type { ReadStamp } from '../../src/load/index.js'

/** What one raw stream measured (performance.now() ms). */
export interface RawRecord {
  index: number
  sentAtMs: number
  /** Right after the request's socket write returned. */
  writtenAtMs: number
  contentChunkAtMs: number[]
  failure?: string
}

const CONTENT = Buffer.from('"content":" token"')
const DONE = Buffer.from('data: [DONE]')

/** Opens `streams` connections, then sends every request at once and reads every stream to [DONE]. */
export async function rawStreams(port: number, streams: number, maxTokens: number, streamStamp: () => ReadStamp): Promise<RawRecord[]> {
  const sockets = await Promise.all(
    Array.from(
      { length: streams },
      () =>
        new Promise<Socket>((resolve, reject) => {
          const socket = connect(port, '127.0.0.1', () => resolve(socket))
          socket.setNoDelay(true)
          socket.once('error', reject)
        }),
    ),
  )
  const requests = sockets.map((_, index) => {
    const body = JSON.stringify({ model: 'bench-model', messages: [{ role: 'user', content: `${index} raw` }], max_tokens: maxTokens, stream: true })
    return `POST /v1/chat/completions HTTP/1.1\r\nhost: 127.0.0.1:${port}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`
  })
  const records: RawRecord[] = []
  const done = sockets.map(
    (socket, index) =>
      new Promise<void>((resolve) => {
        const record: RawRecord = { index, sentAtMs: 0, writtenAtMs: 0, contentChunkAtMs: [] }
        records.push(record)
        const stamp = streamStamp()
        let headSeen = false
        socket.on('data', (chunk: Buffer) => {
          // As the engine: the head is a delivery of its own, and only the first event of a read
          // may take the poll-phase stamp (later ones may be newer, read-stamp.ts).
          if (!headSeen) {
            headSeen = true
            stamp()
          }
          let atMs = stamp()
          let first = true
          for (let at = chunk.indexOf(CONTENT); at !== -1; at = chunk.indexOf(CONTENT, at + CONTENT.length)) {
            if (!first) atMs = stamp()
            first = false
            record.contentChunkAtMs.push(atMs)
          }
          if (chunk.includes(DONE)) {
            socket.destroy()
            resolve()
          }
        })
        socket.on('close', () => {
          if (record.contentChunkAtMs.length === 0) record.failure = 'closed before any content'
          resolve()
        })
        record.sentAtMs = performance.now()
        socket.write(requests[index]!)
        record.writtenAtMs = performance.now()
      }),
  )
  await Promise.all(done)
  return records
}
