/**
 * Worker-thread streaming server for the overhead benchmark (its own event loop, so it does not
 * steal the client's). Lockstep like continuous batching: every `stepMs` ONE engine step emits the
 * next token of EVERY active stream; a request joins at the next step (role chunk + token 1).
 * Each write is stamped with process.hrtime (one clock for the whole process), and the stamps go
 * back to the client, which compares them with what it measured. stepMs = 0: flat out, with
 * per-socket back-pressure.
 */
import { createServer, type Socket } from 'node:net'
import { parentPort } from 'node:worker_threads'

const hrMs = (): number => Number(process.hrtime.bigint()) / 1e6
const port = parentPort!

interface Stream {
  index: number
  socket: Socket
  receivedAtMs: number
  sentAtMs: number[]
  next: number
}

let stepMs = 10
let tokens = 100
/** Events per socket write (1 = one chunk per read, as vLLM sends; more = measure parsing, not reads). */
let eventsPerWrite = 1
let batchFrame: Buffer = Buffer.alloc(0)
let joining: Stream[] = []
let active: Stream[] = []
let finished: Stream[] = []

const base = '{"id":"chatcmpl-0123456789abcdef0123456789abcdef","object":"chat.completion.chunk","created":1700000000,"model":"bench-model","choices":[{"index":0,'
const frame = (payload: string): Buffer => {
  const body = Buffer.from(payload, 'utf8')
  return Buffer.concat([Buffer.from(`${body.length.toString(16)}\r\n`), body, Buffer.from('\r\n')])
}
const HEAD = Buffer.from('HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\nconnection: keep-alive\r\n\r\n')
const FIRST = frame(`data: ${base}"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}]}\n\ndata: ${base}"delta":{"content":" token"},"logprobs":null,"finish_reason":null}]}\n\n`)
const TOKEN = frame(`data: ${base}"delta":{"content":" token"},"logprobs":null,"finish_reason":null}]}\n\n`)
const lastFrame = (n: number): Buffer =>
  Buffer.concat([
    frame(
      `data: ${base}"delta":{"content":" token"},"logprobs":null,"finish_reason":"length"}]}\n\n` +
        `data: {"id":"chatcmpl-0","object":"chat.completion.chunk","created":1700000000,"model":"bench-model","choices":[],"usage":{"prompt_tokens":32,"completion_tokens":${n},"total_tokens":${32 + n}}}\n\n` +
        'data: [DONE]\n\n',
    ),
    Buffer.from('0\r\n\r\n'),
  ])
const MODELS = '{"object":"list","data":[{"id":"bench-model"}]}'

function emit(stream: Stream): boolean {
  if (eventsPerWrite > 1 && stream.next > 0 && stream.next + eventsPerWrite < tokens) {
    const t = hrMs()
    for (let i = 0; i < eventsPerWrite; i++) stream.sentAtMs.push(t)
    stream.next += eventsPerWrite
    stream.socket.write(batchFrame)
    return true
  }
  const k = stream.next++
  const payload = k === 0 ? FIRST : k === tokens - 1 ? lastFrame(tokens) : TOKEN
  stream.sentAtMs.push(hrMs())
  stream.socket.write(payload)
  return k < tokens - 1
}

function step(): void {
  const stillActive: Stream[] = []
  for (const s of active) {
    if (stepMs === 0 && s.socket.writableLength > 65536) {
      stillActive.push(s) // flat out: respect back-pressure
      continue
    }
    if (emit(s)) stillActive.push(s)
    else finished.push(s)
  }
  for (const s of joining) {
    if (emit(s)) stillActive.push(s)
    else finished.push(s)
  }
  joining = []
  active = stillActive
}

let nextStepAtMs = hrMs()
function loop(): void {
  step()
  if (stepMs === 0) {
    setImmediate(loop)
    return
  }
  nextStepAtMs += stepMs
  const now = hrMs()
  if (nextStepAtMs < now) nextStepAtMs = now // never burst to catch up
  setTimeout(loop, nextStepAtMs - now)
}

const server = createServer((socket) => {
  socket.setNoDelay(true)
  socket.on('error', () => undefined)
  let buffer = ''
  socket.on('data', (chunk: Buffer) => {
    buffer += chunk.toString('latin1')
    for (;;) {
      const headEnd = buffer.indexOf('\r\n\r\n')
      if (headEnd === -1) return
      const head = buffer.slice(0, headEnd)
      const length = Number(/content-length: *(\d+)/i.exec(head)?.[1] ?? 0)
      if (buffer.length < headEnd + 4 + length) return
      const body = buffer.slice(headEnd + 4, headEnd + 4 + length)
      buffer = buffer.slice(headEnd + 4 + length)
      if (head.startsWith('GET')) {
        socket.write(`HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${MODELS.length}\r\n\r\n${MODELS}`)
        continue
      }
      const receivedAtMs = hrMs()
      // The prompt starts with the request index (prompts.ts tokenPrompt).
      const content = (JSON.parse(Buffer.from(body, 'latin1').toString('utf8')) as { messages: Array<{ content: string }> }).messages[0]!.content
      socket.write(HEAD)
      joining.push({ index: Number.parseInt(content, 10), socket, receivedAtMs, sentAtMs: [], next: 0 })
    }
  })
})

port.on('message', (message: { type: string; stepMs?: number; tokens?: number; eventsPerWrite?: number }) => {
  if (message.type === 'config') {
    stepMs = message.stepMs ?? stepMs
    tokens = message.tokens ?? tokens
    eventsPerWrite = message.eventsPerWrite ?? 1
    batchFrame = frame(`data: ${base}"delta":{"content":" token"},"logprobs":null,"finish_reason":null}]}\n\n`.repeat(eventsPerWrite))
    nextStepAtMs = hrMs()
    port.postMessage({ type: 'ok' })
  } else if (message.type === 'collect') {
    port.postMessage({ type: 'stamps', streams: finished.map((s) => ({ index: s.index, receivedAtMs: s.receivedAtMs, sentAtMs: s.sentAtMs })) })
    finished = []
  } else if (message.type === 'stop') {
    server.close()
    process.exit(0)
  }
})

server.listen(0, '127.0.0.1', () => {
  const address = server.address() as { port: number }
  loop()
  port.postMessage({ type: 'listening', port: address.port })
})
