/**
 * The measurement of one streaming request (stream-request.ts sends it): its record, the state of
 * its stream, and the undici handler that stamps every delivery at the event (docs/metrics.md
 * "Client timing"). Settles exactly once, on the answer's end, an error, the timeout or an abort.
 */
import type { Dispatcher } from 'undici'
import type { FailureReason, RequestRecord } from '../contracts/records.js'
import { choicesText, classifyError, errorText, numberOr } from './chunk-fields.js'
import { ContentTemplate, type StreamChunk } from './content-template.js'
import type { ReadStamp } from './read-stamp.js'
import { useSimulatedTime } from './simulated-stamps.js'
import { SseParser, type SseSink } from './sse.js'
import { parseSimTimesComment, SIM_SYNC_HEADERS, type SimStreamTimes } from '../protocol/sim-sync.js'
import type { StreamRequestOptions } from './stream-request-options.js'

const MAX_ERROR_BODY_CHARS = 2000

type Failure = { reason: FailureReason; message: string; status?: number }

export class MeasuredStream implements SseSink {
  readonly record: RequestRecord
  private resolve: (record: RequestRecord) => void = () => {}
  private settled = false
  private controller: Dispatcher.DispatchController | null = null
  private status = 0
  private errorBody = ''
  private done = false
  private usageSeen = false
  /** The stamp of the read being parsed, shared by its events. */
  private chunkAtMs = 0
  private timer: NodeJS.Timeout | undefined
  // Simulated time (options.simSync): admission stamp from the head, the rest from the stream's end.
  private simSentMs: number | undefined
  private simTimes: SimStreamTimes | undefined
  private simSkipped = false
  private readonly readStamp: ReadStamp
  /** Chat token chunks after the first are recognized without JSON.parse (content-template.ts). */
  private readonly template: ContentTemplate | null
  private readonly parser = new SseParser(this)
  private readonly onAbort = (): void => this.settle({ reason: 'aborted', message: `${this.where}: run aborted` })

  constructor(
    private readonly options: StreamRequestOptions,
    private readonly endpoint: 'chat' | 'completions',
    private readonly where: string,
    private readonly now: () => number,
  ) {
    this.readStamp = options.readStamp ?? now
    const dispatchedAtMs = now()
    this.record = {
      index: options.index ?? 0,
      warmup: options.warmup ?? false,
      scheduledAtMs: options.scheduledAtMs ?? dispatchedAtMs,
      sentAtMs: dispatchedAtMs,
      dispatchedAtMs,
      contentChunkAtMs: [],
      endAtMs: dispatchedAtMs,
      promptTokens: 0,
      completionTokens: 0,
      tokensEstimated: false,
    }
    this.template = endpoint === 'chat' ? new ContentTemplate() : null
  }

  /** Arms the abort and the timeout; false (settled) when the run was aborted before sending. */
  start(resolve: (record: RequestRecord) => void, timeoutS: number): boolean {
    this.resolve = resolve
    const signal = this.options.signal
    if (signal?.aborted) {
      this.settle({ reason: 'aborted', message: `${this.where}: run aborted before sending` })
      return false
    }
    signal?.addEventListener('abort', this.onAbort, { once: true })
    const timeoutMs = timeoutS * 1000
    this.timer = setTimeout(() => this.settle({ reason: 'timeout_total', message: `${this.where}: no complete answer within ${timeoutMs / 1000} s` }), timeoutMs)
    return true
  }

  settle(failure?: Failure, atMs?: number): void {
    if (this.settled) return
    this.settled = true
    const { record, options } = this
    record.endAtMs = atMs ?? this.now()
    if (options.simSync !== undefined) failure = useSimulatedTime(record, options.simSync, this.simSentMs, this.simTimes, this.simSkipped, failure, this.where)
    if (this.timer !== undefined) clearTimeout(this.timer)
    options.signal?.removeEventListener('abort', this.onAbort)
    if (failure !== undefined) {
      record.failure = failure.status === undefined ? { reason: failure.reason, message: failure.message } : failure
      // Stop the transfer; undici then reports our reason through onResponseError, ignored there.
      if (this.controller !== null && !this.controller.aborted) this.controller.abort(new Error(failure.message))
    }
    if (!this.usageSeen) {
      // No usage chunk: estimate one token per content chunk (vLLM emits one per decode step
      // without speculative decoding) and mark the counts as estimates.
      record.tokensEstimated = true
      record.promptTokens = options.estimatedPromptTokens ?? 0
      record.completionTokens = record.contentChunkAtMs.length
    }
    this.resolve(record)
  }

  onComment(text: string): void {
    if (this.options.simSync !== undefined) this.simTimes = parseSimTimesComment(text) ?? this.simTimes
  }

  /** One SSE event's data, stamped with its read's stamp. */
  onEvent(data: string): void {
    if (this.settled || this.done) return
    if (data === '[DONE]') {
      this.done = true
      return
    }
    const fast = this.template?.match(data)
    if (fast !== undefined) return this.content(fast)
    const event = this.parsed(data)
    if (event !== undefined) this.chunk(data, event)
  }

  /** The event as a JSON object, or undefined after settling the request as a bad response. */
  private parsed(data: string): StreamChunk | undefined {
    let event: StreamChunk
    try {
      event = JSON.parse(data) as StreamChunk
    } catch {
      this.settle({ reason: 'bad_response', message: `${this.where}: malformed JSON in SSE data: ${data.slice(0, 200)}` })
      return undefined
    }
    if (event === null || typeof event !== 'object') {
      this.settle({ reason: 'bad_response', message: `${this.where}: SSE data is not a JSON object: ${data.slice(0, 200)}` })
      return undefined
    }
    return event
  }

  /** A parsed chunk: an error in the stream, choices (text), usage. */
  private chunk(data: string, event: StreamChunk): void {
    if (event.error !== undefined || event.object === 'error') {
      this.settle({ reason: 'stream_error', message: `${this.where}: error in stream: ${errorText(event)}` })
      return
    }
    const choices = event.choices
    if (Array.isArray(choices) && choices.length > 0) {
      const text = choicesText(choices, this.endpoint)
      this.template?.learn(data, event, text)
      this.content(text)
    }
    const usage = event.usage
    if (usage !== null && usage !== undefined && typeof usage === 'object') {
      this.usageSeen = true
      this.record.promptTokens = numberOr(usage.prompt_tokens, this.record.promptTokens)
      this.record.completionTokens = numberOr(usage.completion_tokens, this.record.completionTokens)
    }
  }

  /** A chunk with choices: its first is the first chunk; a non-empty text is a content chunk. */
  private content(text: string): void {
    const record = this.record
    if (record.firstChunkAtMs === undefined) record.firstChunkAtMs = this.chunkAtMs
    if (text.length === 0) return
    record.contentChunkAtMs.push(this.chunkAtMs)
    if (this.options.keepText === true) record.outputText = (record.outputText ?? '') + text
  }

  /** undici's callbacks, stamping at each (never after an await). */
  readonly handler: Dispatcher.DispatchHandler = {
    onRequestStart: (ctrl) => {
      this.controller = ctrl
      if (this.settled) {
        ctrl.abort(new Error('request already settled'))
        return
      }
      // Called by undici right before the request is written on a connected socket: pool
      // queueing and connection set-up stay out of TTFT (docs/metrics.md "Client timing").
      this.record.sentAtMs = this.now()
    },
    onResponseStart: (_ctrl, statusCode, headers) => {
      this.status = statusCode
      if (this.options.simSync !== undefined) {
        const sent = Number(headerValue(headers[SIM_SYNC_HEADERS.sentMs]))
        if (Number.isFinite(sent)) this.simSentMs = sent
        this.simSkipped = headerValue(headers[SIM_SYNC_HEADERS.skipped]) !== undefined
      }
      // The head is this stream's first delivery in its read: body bytes that follow in the same
      // read may have arrived later, so they must not get the batch stamp (read-stamp.ts).
      this.readStamp()
    },
    onResponseData: (_ctrl, chunk) => {
      // The stamp for every event in this read, taken at the read (docs/metrics.md "Client timing").
      this.chunkAtMs = this.readStamp()
      if (this.settled) return
      if (this.record.firstByteAtMs === undefined) this.record.firstByteAtMs = this.chunkAtMs
      if (!this.ok) {
        if (this.errorBody.length < MAX_ERROR_BODY_CHARS) this.errorBody += chunk.toString('utf8')
        return
      }
      this.parser.push(chunk)
    },
    onResponseEnd: () => {
      if (!this.ok) this.settle({ reason: 'http_status', status: this.status, message: `${this.where}: HTTP ${this.status}: ${this.errorBody.slice(0, MAX_ERROR_BODY_CHARS).trim()}` })
      else if (this.done) this.settle(undefined, this.readStamp()) // same clock reading as the read that ended the body
      else this.settle({ reason: 'bad_response', message: `${this.where}: stream ended without [DONE]${this.parser.hasPartial ? ' (inside an event)' : ''}` })
    },
    onResponseError: (_ctrl, error) => {
      this.settle(classifyError(error, this.where))
    },
  }

  private get ok(): boolean {
    return this.status >= 200 && this.status < 300
  }
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value
}
