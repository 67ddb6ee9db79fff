/**
 * The OpenAI API as the simulated MLNode serves it (inference port, and /v1 on the management
 * port): MLNode's proxy part (503 "No vLLM backend available", least-connections over healthy
 * replicas) and vLLM's part (validation, streaming format, errors), one token per SSE chunk.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { pickLeastConnections } from './balancer.js'
import type { SimClock } from './clock.js'
import type { Deployment } from './deployment.js'
import type { Replica } from './replica.js'
import { readBody, sendJson } from './http.js'
import type { TokenTraceEvent } from './options.js'
import { parseSimSyncHeaders, SIM_SYNC_HEADERS, simTimesComment, wireMs } from '../protocol/sim-sync.js'
import { createRng, hashString } from './rng.js'
import type { SessionRegistry } from './sessions.js'
import { blockHashes as promptBlockHashes, chatTokenIds, completionTokenIds } from './prompt-blocks.js'
import { chatPromptTokens, createWordStream, drawOutputTokens, estimateTokens, wordForToken } from './text.js'
import { chatRoleChunk, createTokenChunkWriter, fullResponse, modelList, sse, SSE_DONE, tokenChunk, usageChunk, usageOf, vllmError, type ApiKind, type ChunkHeader } from './vllm-format.js'
import { generate as generateLogits, logitsIdentity, type GeneratedPosition } from './logits.js'
import { logprobEntry, parseLogprobsFields, type LogprobsFields } from './logprobs-fields.js'

/** What the OpenAI handlers need from the simulator. */
export interface InferenceContext {
  deployment: Deployment
  clock: SimClock
  seed: number
  eosPerToken: number
  /** Wall-clock epoch seconds for `created` fields. */
  createdS(): number
  /** A fresh request number (ids and engine keys). */
  nextRequestNumber(): number
  /** Diagnostics hook, called as each streamed token is written. */
  trace?: (event: TokenTraceEvent) => void
  /** Client sessions of the simulated-time protocol (virtual clock only). */
  sessions?: SessionRegistry
}

const NO_BACKEND = { detail: 'No vLLM backend available' }

function badRequest(res: ServerResponse, message: string, param: string | null = null): void {
  sendJson(res, 400, vllmError(400, 'BadRequestError', message, param))
}

/** 32 hex digits like vLLM's `random_uuid()`, derived from the seed and the request number. */
function hex32(n: number, seed: number): string {
  const rng = createRng(hashString(`request-${n}`, seed))
  return [0, 1, 2, 3].map(() => Math.floor(rng() * 2 ** 32).toString(16).padStart(8, '0')).join('')
}

/**
 * MLNode's least-connections pick over every port its proxy marks up, in map order: a stale
 * port (src/sim/proxy-ports.ts) counts 0 connections, so it wins whenever the live ones are busy.
 */
function pickBackend(d: Deployment): Replica | 'stale' | undefined {
  const ports = d.proxy.listed()
  const candidates = ports.map((port) => d.replicas.find((r) => r.port === port && r.healthy))
  const index = pickLeastConnections(candidates.map((r) => r ?? { healthy: true, inFlight: 0 }))
  if (index < 0) return undefined
  return candidates[index] ?? 'stale'
}

/** Routes `/v1/...`; returns false when the path is not an OpenAI route. */
export async function handleOpenAi(ctx: InferenceContext, req: IncomingMessage, res: ServerResponse, path: string): Promise<boolean> {
  // Stamped first: on an idle engine the request's step starts here (wall clock: TTFT accuracy).
  const arrivalS = ctx.clock.nowS()
  const kind: ApiKind | undefined = path === '/v1/chat/completions' ? 'chat' : path === '/v1/completions' ? 'completion' : undefined
  if (path === '/v1/models') {
    if (req.method !== 'GET') return methodNotAllowed(res)
    const variant = ctx.deployment.variant
    if (ctx.deployment.healthyReplicas().length === 0 || variant?.plan === undefined) sendJson(res, 503, NO_BACKEND)
    else sendJson(res, 200, modelList(variant.servedModel, variant.plan.engine.maxModelLen, ctx.createdS()))
    return true
  }
  if (kind === undefined) return false
  if (req.method !== 'POST') return methodNotAllowed(res)
  if (ctx.deployment.healthyReplicas().length === 0) {
    req.resume()
    sendJson(res, 503, NO_BACKEND)
    return true
  }
  await generate(ctx, kind, req, res, arrivalS)
  return true
}

function methodNotAllowed(res: ServerResponse): true {
  sendJson(res, 405, { detail: 'Method Not Allowed' })
  return true
}

interface Parsed {
  promptTokens: number
  /** Pseudo-token ids of the prompt, computed on demand (prefix cache, prompt-blocks.ts). */
  tokenIds: () => number[]
  promptKey: string
  maxTokens: number | undefined
  stream: boolean
  includeUsage: boolean
  ignoreEos: boolean
  minTokens: number
}

/** vLLM-side validation; sends the 400 itself and returns undefined on bad input. */
function parseBody(kind: ApiKind, body: Record<string, unknown>, res: ServerResponse): Parsed | undefined {
  let promptTokens: number
  let promptKey: string
  let tokenIds: () => number[]
  if (kind === 'chat') {
    const messages = body.messages
    if (!Array.isArray(messages) || messages.length === 0 || !messages.every((m) => typeof m === 'object' && m !== null)) {
      badRequest(res, "'messages' must be a non-empty list of message objects", 'messages')
      return undefined
    }
    promptTokens = chatPromptTokens(messages as Array<{ content?: unknown }>)
    promptKey = JSON.stringify(messages)
    tokenIds = () => chatTokenIds(messages as Array<{ role?: unknown; content?: unknown }>)
  } else {
    const prompt = body.prompt
    if (typeof prompt === 'string') promptTokens = Math.max(1, estimateTokens(prompt))
    else if (Array.isArray(prompt) && prompt.length === 1 && typeof prompt[0] === 'string') promptTokens = Math.max(1, estimateTokens(prompt[0]))
    else if (Array.isArray(prompt) && prompt.length > 0 && prompt.every((t) => Number.isInteger(t))) promptTokens = prompt.length
    else {
      badRequest(res, "'prompt' must be a string, a list of one string, or a list of token ids (the simulator serves one prompt per request)", 'prompt')
      return undefined
    }
    promptKey = JSON.stringify(prompt)
    tokenIds = () => completionTokenIds(typeof prompt === 'string' ? prompt : Array.isArray(prompt) && typeof prompt[0] === 'string' ? prompt[0] : (prompt as number[]))
  }
  const rawMax = kind === 'chat' ? (body.max_completion_tokens ?? body.max_tokens) : body.max_tokens
  if (rawMax !== undefined && rawMax !== null && !(Number.isInteger(rawMax) && (rawMax as number) >= 1)) {
    badRequest(res, `max_tokens must be at least 1, got ${JSON.stringify(rawMax)}.`, 'max_tokens')
    return undefined
  }
  const n = body.n
  if (n !== undefined && n !== null && n !== 1) {
    badRequest(res, `n=${JSON.stringify(n)}: the simulator serves n=1 only`, 'n')
    return undefined
  }
  const stream = body.stream === true
  const streamOptions = body.stream_options
  if (streamOptions !== undefined && streamOptions !== null && !stream) {
    badRequest(res, 'Stream options can only be defined when `stream=True`.', 'stream_options')
    return undefined
  }
  const includeUsage = stream && typeof streamOptions === 'object' && streamOptions !== null && (streamOptions as { include_usage?: unknown }).include_usage === true
  const minTokens = Number.isInteger(body.min_tokens) ? (body.min_tokens as number) : 0
  const seedPart = body.seed === undefined ? '' : `|seed=${JSON.stringify(body.seed)}`
  return { promptTokens, tokenIds, promptKey: `${kind}|${promptKey}|${String(rawMax)}${seedPart}`, maxTokens: rawMax === undefined || rawMax === null ? undefined : (rawMax as number), stream, includeUsage, ignoreEos: body.ignore_eos === true, minTokens }
}

/**
 * Reads and checks one completion request, then answers it at its admission time: at once (its
 * arrival stamp), or, in a client session, when the session's dispatcher admits it (sessions.ts).
 */
async function generate(ctx: InferenceContext, kind: ApiKind, req: IncomingMessage, res: ServerResponse, arrivalS: number): Promise<void> {
  const sync = ctx.sessions === undefined ? undefined : parseSimSyncHeaders((name) => headerText(req.headers[name]))
  if (typeof sync === 'string') {
    req.resume()
    badRequest(res, `simulated-time session: ${sync}`)
    return
  }
  const text = await readBody(req)
  if (sync === undefined || ctx.sessions === undefined) {
    answer(ctx, kind, text, res, arrivalS, undefined, () => undefined)
    return
  }
  const sessions = ctx.sessions
  const dispatcher = sessions.dispatcherFor(sync)
  const originS = dispatcher.schedule.originS
  let closed = false
  res.on('close', () => {
    closed = true
    if (!res.writableFinished) sessions.clientGone(sync.session, sync.index)
  })
  const offered = dispatcher.offer(sync.index, {
    offsetS: sync.offsetS,
    start(atS) {
      const end = (endS: number): void => {
        dispatcher.finished(endS)
        sessions.settle(sync.session)
      }
      if (closed) return end(atS)
      res.setHeader(SIM_SYNC_HEADERS.sentMs, String(wireMs(atS - originS)))
      answer(ctx, kind, text, res, atS, originS, end)
    },
    skip() {
      res.setHeader(SIM_SYNC_HEADERS.skipped, 'duration')
      res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8' })
      res.end(SSE_DONE)
      sessions.settle(sync.session)
    },
  })
  if (!offered) badRequest(res, `simulated-time session ${sync.session}: request index ${sync.index} repeated or out of order`)
  sessions.settle(sync.session)
}

function headerText(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value
}

/**
 * Answers a read request as vLLM would, from simulated time `atS` on; `end(atS)` is called once
 * when the request leaves the engine (finished, rejected, dropped, or answered with an error).
 * With `originS` (a client session) the stream carries its simulated stamps before [DONE].
 */
function answer(ctx: InferenceContext, kind: ApiKind, text: string, res: ServerResponse, arrivalS: number, originS: number | undefined, end: (atS: number) => void): void {
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch (error) {
    // vLLM turns FastAPI's RequestValidationError (json_invalid) into a 400 ErrorResponse.
    badRequest(res, `[{'type': 'json_invalid', 'loc': ('body', 0), 'msg': 'JSON decode error', 'input': {}, 'ctx': {'error': '${(error as Error).message.replace(/'/g, '"')}'}}]`)
    return end(arrivalS)
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    badRequest(res, 'request body must be a JSON object')
    return end(arrivalS)
  }
  const b = body as Record<string, unknown>
  const variant = ctx.deployment.variant
  if (variant?.plan === undefined) {
    sendJson(res, 503, NO_BACKEND)
    return end(arrivalS)
  }
  const model = b.model
  if (model !== undefined && model !== variant.servedModel) {
    // vLLM serving_engine._check_model.
    sendJson(res, 404, vllmError(404, 'NotFoundError', `The model \`${String(model)}\` does not exist.`, 'model'))
    return end(arrivalS)
  }
  const parsed = parseBody(kind, b, res)
  if (parsed === undefined) return end(arrivalS)
  // Chat requests asking for logprobs or enforcing tokens take the pseudo-LM path (logits.ts).
  const lp = kind === 'chat' ? parseLogprobsFields(b) : undefined
  if (lp !== undefined && 'error' in lp) {
    badRequest(res, lp.error, lp.param)
    return end(arrivalS)
  }
  const maxModelLen = variant.plan.engine.maxModelLen
  if (parsed.promptTokens >= maxModelLen) {
    badRequest(res, `This model's maximum context length is ${maxModelLen} tokens. However, your request has ${parsed.promptTokens} input tokens. Please reduce the length of the input messages.`, kind === 'chat' ? 'messages' : 'prompt')
    return end(arrivalS)
  }
  if (parsed.maxTokens !== undefined && parsed.maxTokens > maxModelLen - parsed.promptTokens) {
    badRequest(res, `'max_tokens' or 'max_completion_tokens' is too large: ${parsed.maxTokens}. This model's maximum context length is ${maxModelLen} tokens and your request has ${parsed.promptTokens} input tokens (${parsed.maxTokens} > ${maxModelLen} - ${parsed.promptTokens}).`, 'max_tokens')
    return end(arrivalS)
  }
  const picked = pickBackend(ctx.deployment)
  if (picked === 'stale') {
    // v0.2.12's proxy: a stale port has no connection counter, the pick raises, Starlette answers 500.
    res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' })
    res.end('Internal Server Error')
    return end(arrivalS)
  }
  const replica = picked
  if (replica === undefined) {
    sendJson(res, 503, NO_BACKEND)
    return end(arrivalS)
  }

  const number = ctx.nextRequestNumber()
  const header: ChunkHeader = { id: `${kind === 'chat' ? 'chatcmpl' : 'cmpl'}-${hex32(number, ctx.seed)}`, created: ctx.createdS(), model: variant.servedModel }
  // vLLM's default max_tokens: whatever the context leaves.
  const draw = drawOutputTokens({ maxTokens: parsed.maxTokens ?? maxModelLen - parsed.promptTokens, key: parsed.promptKey, seed: ctx.seed, ignoreEos: parsed.ignoreEos, minTokens: parsed.minTokens, eosPerToken: ctx.eosPerToken })
  const positions = lp === undefined ? undefined : logitsAnswer(ctx, lp, JSON.stringify(b.messages), draw.tokens, number)
  const outputTokens = positions?.length ?? draw.tokens
  // Enforced tokens end the answer where the original ended: at max_tokens ('length') or before.
  const finishReason = lp?.enforced ? (outputTokens >= (parsed.maxTokens ?? Infinity) ? 'length' : 'stop') : draw.finishReason
  const nextWord = createWordStream(parsed.promptKey, ctx.seed)
  const chunkOf = createTokenChunkWriter(kind, header)
  const id = `req-${number}`
  let finished = false
  const words: string[] = []
  const tokenMs: number[] | undefined = originS === undefined ? undefined : []
  const leave = (atS: number): void => {
    finished = true
    end(atS)
  }

  if (parsed.stream) {
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive' })
    res.flushHeaders()
  }
  res.on('close', () => {
    if (finished) return
    replica.cancel(id)
    leave(ctx.clock.nowS())
  })
  const engine = variant.plan.engine
  // Only with prefix caching on (vLLM V1's default) is the prompt cut into hashed blocks.
  const blockHashes = engine.enablePrefixCaching ? promptBlockHashes(parsed.tokenIds(), engine.blockSize, Math.floor(parsed.promptTokens / engine.blockSize)) : undefined
  replica.submit({ id, promptTokens: parsed.promptTokens, outputTokens, ...(blockHashes === undefined ? {} : { blockHashes }) }, {
    onToken(count, atS) {
      const position = positions?.[count - 1]
      const word = position ? wordForToken(position.token) : nextWord()
      if (!parsed.stream) {
        words.push(word)
        return
      }
      const last = count === outputTokens
      const first = count === 1 && kind === 'chat' ? sse(chatRoleChunk(header)) : ''
      const chunk = position && lp?.logprobs ? sse(withLogprobs(tokenChunk(kind, header, word, last ? finishReason : null), [position])) : chunkOf(word, last ? finishReason : null)
      res.write(first + chunk)
      tokenMs?.push(wireMs(atS - originS!))
      ctx.trace?.({ responseId: header.id, count, arrivalS, atS, writtenS: ctx.clock.nowS(), writtenRealMs: performance.now() })
    },
    onFinish(atS) {
      const usage = usageOf(parsed.promptTokens, outputTokens)
      if (!parsed.stream) {
        const full = fullResponse(kind, header, words.join(''), finishReason, usage)
        sendJson(res, 200, positions && lp ? withLogprobs(full, lp.logprobs ? positions : undefined, lp.returnTokenIds ? positions : undefined) : full)
      }
      else {
        const stamps = tokenMs === undefined ? '' : simTimesComment({ tokenMs, endMs: wireMs(atS - originS!) })
        res.end((parsed.includeUsage ? sse(usageChunk(kind, header, usage)) : '') + stamps + SSE_DONE)
      }
      leave(atS)
    },
    onReject(reason) {
      if (!res.headersSent) badRequest(res, reason)
      else res.end(sse(vllmError(400, 'BadRequestError', reason)) + SSE_DONE)
      leave(ctx.clock.nowS())
    },
    onAbort() {
      // The vLLM process is gone: the proxy's upstream connection drops mid-response.
      res.destroy()
      leave(ctx.clock.nowS())
    },
  }, arrivalS)
}

/** The pseudo-LM's answer on the deployed variant: its own tokens, or the enforced ones scored. */
function logitsAnswer(ctx: InferenceContext, lp: LogprobsFields, promptKey: string, length: number, requestNumber: number): GeneratedPosition[] {
  const d = ctx.deployment
  const variant = d.variant!
  const request = d.request ?? { model: variant.servedModel, dtype: 'auto', additionalArgs: [] }
  return generateLogits({
    identity: logitsIdentity(request, d.hardwareId, variant),
    promptKey,
    sampling: lp.sampling,
    mode: lp.mode,
    topLogprobs: lp.topLogprobs,
    length,
    ...(lp.enforced ? { enforced: lp.enforced } : {}),
    // Without a seed vLLM samples from a fresh generator: here one per request.
    seed: lp.seed ?? hashString(`unseeded-${requestNumber}`, ctx.seed),
  })
}

/** A chat response or chunk with `logprobs.content` (and `token_ids` when asked) on its first choice. */
function withLogprobs(response: object, positions: readonly GeneratedPosition[] | undefined, tokenIds?: readonly GeneratedPosition[]): object {
  const r = response as { choices: Array<Record<string, unknown>> }
  const choice = r.choices[0]!
  if (positions) choice.logprobs = { content: positions.map(logprobEntry) }
  if (tokenIds) choice.token_ids = tokenIds.map((p) => p.token)
  return response
}
