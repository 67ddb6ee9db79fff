/**
 * Streaming server for the overhead benchmark, run as a SEPARATE PROCESS (child_process.fork from
 * overhead.ts) so its event loop, heap and GC never share the client's. Lockstep like continuous
 * batching: every `stepMs` ONE engine step emits the next token of EVERY active stream; a request
 * joins at the next step (role chunk + token 1). stepMs = 0: flat out, with per-socket back-pressure.
 *
 * Every stamp is on the common clock `performance.timeOrigin + performance.now()` (epoch ms, driven
 * by CLOCK_MONOTONIC after process start): `receivedAtMs` when the request was parsed, and per
 * chunk `writtenAtMs`, taken right AFTER `socket.write` returned (on loopback the bytes are then in
 * the client's receive queue), `writeStartMs` right before it (no client stamp can be earlier: the
 * check that read stamps are never early), plus `dueAtMs`, when the step that wrote it was scheduled: the
 * server's own lateness is `writtenAtMs − dueAtMs`, reported apart from the client's error.
 */
import { createServer, type Socket } from 'node:net'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { epochMinusMonotonicMs, epochMs, schedstat, type ServerCommand, type ServerPhase } from './overhead-protocol.js'

interface Stream {
  index: number
  socket: Socket
  receivedAtMs: number
  writtenAtMs: number[]
  /** Right BEFORE socket.write: no client stamp can be earlier than this. */
  writeStartMs: number[]
  dueAtMs: number[]
  next: number
}

const send = (message: object): void => {
  process.send!(message)
}

let stepMs = 10
let tokens = 100
/** Events per socket write (1 = one chunk per read, as vLLM sends; more = measure parsing, not reads). */
let eventsPerWrite = 1
let batchFrame: Buffer = Buffer.alloc(0)
let joining: Stream[] = []
let active: Stream[] = []
let finished: Stream[] = []
let cpuAtConfig = process.cpuUsage()
let schedAtConfig = schedstat()
const loopDelay = monitorEventLoopDelay({ resolution: 1 })

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

function emit(stream: Stream, dueAtMs: number): boolean {
  if (eventsPerWrite > 1 && stream.next > 0 && stream.next + eventsPerWrite < tokens) {
    stream.next += eventsPerWrite
    const start = epochMs()
    stream.socket.write(batchFrame)
    const t = epochMs()
    for (let i = 0; i < eventsPerWrite; i++) {
      stream.writeStartMs.push(start)
      stream.writtenAtMs.push(t)
      stream.dueAtMs.push(dueAtMs)
    }
    return true
  }
  const k = stream.next++
  stream.writeStartMs.push(epochMs())
  stream.socket.write(k === 0 ? FIRST : k === tokens - 1 ? lastFrame(tokens) : TOKEN)
  stream.writtenAtMs.push(epochMs())
  stream.dueAtMs.push(dueAtMs)
  return k < tokens - 1
}

function step(dueAtMs: number): void {
  const stillActive: Stream[] = []
  for (const s of active) {
    if (stepMs === 0 && s.socket.writableLength > 65536) {
      stillActive.push(s) // flat out: respect back-pressure
      continue
    }
    if (emit(s, dueAtMs)) stillActive.push(s)
    else finished.push(s)
  }
  for (const s of joining) {
    if (emit(s, dueAtMs)) stillActive.push(s)
    else finished.push(s)
  }
  joining = []
  active = stillActive
}

/** When the next engine step is due (epoch ms). A late step is NOT caught up: the schedule slips. */
let nextStepAtMs = epochMs()
function loop(): void {
  if (stepMs === 0) {
    step(epochMs())
    setImmediate(loop)
    return
  }
  step(nextStepAtMs)
  nextStepAtMs += stepMs
  const now = epochMs()
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
      const receivedAtMs = epochMs()
      // The prompt starts with the request index (prompts.ts tokenPrompt).
      const content = (JSON.parse(Buffer.from(body, 'latin1').toString('utf8')) as { messages: Array<{ content: string }> }).messages[0]!.content
      socket.write(HEAD)
      joining.push({ index: Number.parseInt(content, 10), socket, receivedAtMs, writtenAtMs: [], writeStartMs: [], dueAtMs: [], next: 0 })
    }
  })
})

process.on('message', (message: ServerCommand) => {
  if (message.type === 'config') {
    stepMs = message.stepMs
    tokens = message.tokens
    eventsPerWrite = message.eventsPerWrite ?? 1
    batchFrame = frame(`data: ${base}"delta":{"content":" token"},"logprobs":null,"finish_reason":null}]}\n\n`.repeat(eventsPerWrite))
    nextStepAtMs = epochMs()
    cpuAtConfig = process.cpuUsage()
    schedAtConfig = schedstat()
    loopDelay.reset()
    send({ type: 'ok' })
  } else if (message.type === 'collect') {
    const cpu = process.cpuUsage(cpuAtConfig)
    const reply: ServerPhase = {
      type: 'stamps',
      streams: finished.map((s) => ({ index: s.index, receivedAtMs: s.receivedAtMs, writtenAtMs: s.writtenAtMs, writeStartMs: s.writeStartMs, dueAtMs: s.dueAtMs })),
      cpuMs: (cpu.user + cpu.system) / 1000,
      loopDelayP99Ms: loopDelay.percentile(99) / 1e6,
      loopDelayMaxMs: loopDelay.max / 1e6,
      epochMinusMonotonicMs: epochMinusMonotonicMs(),
      runQueueWaitNs: schedstat().waitNs - schedAtConfig.waitNs,
    }
    finished = []
    send(reply)
  } else if (message.type === 'stop') {
    server.close()
    process.exit(0)
  }
})

loopDelay.enable()
server.listen(0, '127.0.0.1', () => {
  const address = server.address() as { port: number }
  loop()
  send({ type: 'listening', port: address.port, epochMinusMonotonicMs: epochMinusMonotonicMs() })
})
