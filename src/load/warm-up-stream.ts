/**
 * Warms a fresh thread's hot path before the clock starts: V8 first interprets the code that
 * handles each chunk and compiles it only after many calls, so the first seconds of a fresh
 * thread are slower and allocate more (the ITL tail of a fresh process, docs/metrics.md "Client
 * timing"). A few streams are played through `streamRequest` on an in-memory dispatcher (no
 * socket), with the same chunk shapes a vLLM server sends.
 */
import type { Dispatcher } from 'undici'
import { createReadStamp } from './read-stamp.js'
import { streamRequest } from './stream-request.js'

const ENVELOPE = '{"id":"chatcmpl-warmup","object":"chat.completion.chunk","created":0,"model":"warmup","choices":[{"index":0,'
const chunk = (delta: string, finish = 'null'): Buffer => Buffer.from(`data: ${ENVELOPE}"delta":${delta},"logprobs":null,"finish_reason":${finish}}]}\n\n`)
const ROLE = chunk('{"role":"assistant","content":""}')
const TOKEN = chunk('{"content":" warm"}')
const LAST = Buffer.concat([
  chunk('{"content":" up"}', '"length"'),
  Buffer.from('data: {"id":"chatcmpl-warmup","object":"chat.completion.chunk","created":0,"model":"warmup","choices":[],"usage":{"prompt_tokens":1,"completion_tokens":1}}\n\ndata: [DONE]\n\n'),
])

/** A dispatcher that answers every request at once from memory with `tokens` content chunks. */
function inMemoryDispatcher(tokens: number): Dispatcher {
  const controller = { aborted: false, paused: false, reason: null, abort(): void { this.aborted = true }, pause(): void {}, resume(): void {} }
  return {
    dispatch(_options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
      const ctrl = controller as unknown as Dispatcher.DispatchController
      controller.aborted = false
      handler.onRequestStart?.(ctrl, {})
      handler.onResponseStart?.(ctrl, 200, {}, 'OK')
      handler.onResponseData?.(ctrl, ROLE)
      for (let k = 0; k < tokens && !controller.aborted; k++) handler.onResponseData?.(ctrl, TOKEN)
      handler.onResponseData?.(ctrl, LAST)
      handler.onResponseEnd?.(ctrl, {})
      return true
    },
  } as unknown as Dispatcher
}

/** Plays `streams` streams of `tokens` chunks through the request path; resolves when all settled. */
export async function warmUpStreamPath(streams = 40, tokens = 250): Promise<void> {
  const dispatcher = inMemoryDispatcher(tokens)
  const stamps = createReadStamp(() => performance.now(), 'poll')
  for (let i = 0; i < streams; i++) await streamRequest(dispatcher, { baseUrl: 'http://127.0.0.1:1', model: 'warmup' }, '{}', { readStamp: stamps() })
}
