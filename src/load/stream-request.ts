/**
 * One streaming OpenAI request over an undici dispatcher, measured at the event: every stamp is
 * taken with the monotonic clock inside undici's handler callbacks (never after an await), per
 * docs/metrics.md "Client timing"; body deliveries through `readStamp` (one reading per delivery, or the poll-phase
 * stamp of read-stamp.ts), shared by every SSE event of the delivery. Token chunks skip JSON.parse
 * when they match the stream's proved envelope (content-template.ts). Failures are recorded on the
 * returned RequestRecord, never thrown (docs/README.md "Conventions" 2).
 */
import type { Dispatcher } from 'undici'
import type { FailureReason, RequestRecord } from '../contracts/records.js'
import { choicesText, classifyError, errorText, numberOr } from './chunk-fields.js'
import { ContentTemplate, type StreamChunk } from './content-template.js'
import { endpointOf, requestPayload } from './endpoint.js'
import type { ReadStamp } from './read-stamp.js'
import { useSimulatedTime } from './simulated-stamps.js'
import { SseParser } from './sse.js'
import { parseSimTimesComment, SIM_SYNC_HEADERS, simSyncHeaders, type SimStreamTimes, type SimSyncRequest } from '../protocol/sim-sync.js'
import type { LoadTarget } from '../contracts/workload.js'

// Moved to files of their own; re-exported for existing importers.
export { endpointPath, requestPayload } from './endpoint.js'
export { SIM_SKIPPED } from './simulated-stamps.js'

/** Options of `streamRequest`. */
export interface StreamRequestOptions {
  /** @default 'chat' */
  endpoint?: 'chat' | 'completions'
  /** Record index. @default 0 */
  index?: number
  /** @default false */
  warmup?: boolean
  /** When the schedule wanted this request sent. @default the dispatch time */
  scheduledAtMs?: number
  /** Bound on the whole request, seconds. @default 600 (src/contracts/workload.ts) */
  timeoutS?: number
  /** Bound on silence before headers and between body chunks, seconds. @default 120 (src/contracts/workload.ts) */
  idleTimeoutS?: number
  signal?: AbortSignal
  /** Monotonic clock, ms. @default performance.now */
  now?: () => number
  /**
   * Stamps each network read of the body (one per stream from a run's shared `createReadStamp`, so
   * reads handled in the same event-loop poll phase share its stamp, read-stamp.ts).
   * @default `now`, one stamp per read
   */
  readStamp?: ReadStamp
  /** Prompt tokens to report when the server sends no usage. @default 0 */
  estimatedPromptTokens?: number
  /** Keep the generated text on `record.outputText`. @default false */
  keepText?: boolean
  /**
   * Against a simulator on simulated time: the request's place in its session. Its headers go
   * out with the request and the record's times become the simulator's stamps, in ms from the
   * session start (src/protocol/sim-sync.ts). @default none (the client's own clock)
   */
  simSync?: SimSyncRequest
}

const MAX_ERROR_BODY_CHARS = 2000
/** The defaults WorkloadSpec documents; the workload's own bound (workloadTimeoutS) aborts every request sooner. */
export const DEFAULT_REQUEST_TIMEOUT_S = 600
export const DEFAULT_IDLE_TIMEOUT_S = 120

/**
 * Sends one streaming completion request and measures it. Resolves (never rejects) with a record;
 * a failed request carries `failure` with a reason and a message naming the endpoint.
 * The body gets `stream: true` and `stream_options.include_usage` when not already set.
 */
export function streamRequest(
  dispatcher: Dispatcher,
  target: LoadTarget,
  body: Record<string, unknown> | string,
  options: StreamRequestOptions = {},
): Promise<RequestRecord> {
  const now = options.now ?? performance.now.bind(performance)
  const readStamp = options.readStamp ?? now
  const endpoint = options.endpoint ?? 'chat'
  const { origin, path, where } = endpointOf(target.baseUrl, endpoint)
  const payload = typeof body === 'string' ? body : requestPayload(body)
  const dispatchedAtMs = now()
  const record: RequestRecord = {
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

  return new Promise<RequestRecord>((resolve) => {
    let settled = false
    let controller: Dispatcher.DispatchController | null = null
    let status = 0
    let errorBody = ''
    let done = false
    let usageSeen = false
    let chunkAtMs = 0
    let timer: NodeJS.Timeout | undefined
    const signal = options.signal

    // Simulated time (options.simSync): admission stamp from the head, the rest from the stream's end.
    let simSentMs: number | undefined
    let simTimes: SimStreamTimes | undefined
    let simSkipped = false
    const settle = (failure?: { reason: FailureReason; message: string; status?: number }, atMs?: number): void => {
      if (settled) return
      settled = true
      record.endAtMs = atMs ?? now()
      if (options.simSync !== undefined) failure = useSimulatedTime(record, options.simSync, simSentMs, simTimes, simSkipped, failure, where)
      if (timer !== undefined) clearTimeout(timer)
      signal?.removeEventListener('abort', onAbort)
      if (failure !== undefined) {
        record.failure = failure.status === undefined ? { reason: failure.reason, message: failure.message } : failure
        // Stop the transfer; undici then reports our reason through onResponseError, ignored below.
        if (controller !== null && !controller.aborted) controller.abort(new Error(failure.message))
      }
      if (!usageSeen) {
        // No usage chunk: estimate one token per content chunk (vLLM emits one per decode step
        // without speculative decoding) and mark the counts as estimates.
        record.tokensEstimated = true
        record.promptTokens = options.estimatedPromptTokens ?? 0
        record.completionTokens = record.contentChunkAtMs.length
      }
      resolve(record)
    }
    const onAbort = (): void => settle({ reason: 'aborted', message: `${where}: run aborted` })
    if (signal?.aborted) {
      settle({ reason: 'aborted', message: `${where}: run aborted before sending` })
      return
    }
    signal?.addEventListener('abort', onAbort, { once: true })
    const timeoutMs = (options.timeoutS ?? DEFAULT_REQUEST_TIMEOUT_S) * 1000
    timer = setTimeout(
      () => settle({ reason: 'timeout_total', message: `${where}: no complete answer within ${timeoutMs / 1000} s` }),
      timeoutMs,
    )
    const idleMs = (options.idleTimeoutS ?? DEFAULT_IDLE_TIMEOUT_S) * 1000

    // Chat token chunks after the first are recognized without JSON.parse (content-template.ts).
    const template = endpoint === 'chat' ? new ContentTemplate() : null
    const parser = new SseParser({
      onComment(text: string): void {
        if (options.simSync !== undefined) simTimes = parseSimTimesComment(text) ?? simTimes
      },
      onEvent(data: string): void {
        if (settled || done) return
        if (data === '[DONE]') {
          done = true
          return
        }
        const fast = template?.match(data)
        if (fast !== undefined) {
          if (record.firstChunkAtMs === undefined) record.firstChunkAtMs = chunkAtMs
          if (fast.length > 0) {
            record.contentChunkAtMs.push(chunkAtMs)
            if (options.keepText === true) record.outputText = (record.outputText ?? '') + fast
          }
          return
        }
        let event: StreamChunk
        try {
          event = JSON.parse(data) as StreamChunk
        } catch {
          settle({ reason: 'bad_response', message: `${where}: malformed JSON in SSE data: ${data.slice(0, 200)}` })
          return
        }
        if (event === null || typeof event !== 'object') {
          settle({ reason: 'bad_response', message: `${where}: SSE data is not a JSON object: ${data.slice(0, 200)}` })
          return
        }
        if (event.error !== undefined || event.object === 'error') {
          settle({ reason: 'stream_error', message: `${where}: error in stream: ${errorText(event)}` })
          return
        }
        const choices = event.choices
        if (Array.isArray(choices) && choices.length > 0) {
          if (record.firstChunkAtMs === undefined) record.firstChunkAtMs = chunkAtMs
          const text = choicesText(choices, endpoint)
          template?.learn(data, event, text)
          if (text.length > 0) {
            record.contentChunkAtMs.push(chunkAtMs)
            if (options.keepText === true) record.outputText = (record.outputText ?? '') + text
          }
        }
        const usage = event.usage
        if (usage !== null && usage !== undefined && typeof usage === 'object') {
          usageSeen = true
          record.promptTokens = numberOr(usage.prompt_tokens, record.promptTokens)
          record.completionTokens = numberOr(usage.completion_tokens, record.completionTokens)
        }
      },
    })

    const handler: Dispatcher.DispatchHandler = {
      onRequestStart(ctrl) {
        controller = ctrl
        if (settled) {
          ctrl.abort(new Error('request already settled'))
          return
        }
        // Called by undici right before the request is written on a connected socket: pool
        // queueing and connection set-up stay out of TTFT (docs/metrics.md "Client timing").
        record.sentAtMs = now()
      },
      onResponseStart(_ctrl, statusCode, headers) {
        status = statusCode
        if (options.simSync !== undefined) {
          const sent = Number(headerValue(headers[SIM_SYNC_HEADERS.sentMs]))
          if (Number.isFinite(sent)) simSentMs = sent
          simSkipped = headerValue(headers[SIM_SYNC_HEADERS.skipped]) !== undefined
        }
        // The head is this stream's first delivery in its read: body bytes that follow in the same
        // read may have arrived later, so they must not get the batch stamp (read-stamp.ts).
        readStamp()
      },
      onResponseData(_ctrl, chunk) {
        // The stamp for every event in this read, taken at the read (docs/metrics.md "Client timing").
        chunkAtMs = readStamp()
        if (settled) return
        if (record.firstByteAtMs === undefined) record.firstByteAtMs = chunkAtMs
        if (status < 200 || status >= 300) {
          if (errorBody.length < MAX_ERROR_BODY_CHARS) errorBody += chunk.toString('utf8')
          return
        }
        parser.push(chunk)
      },
      onResponseEnd() {
        if (status < 200 || status >= 300) {
          settle({
            reason: 'http_status',
            status,
            message: `${where}: HTTP ${status}: ${errorBody.slice(0, MAX_ERROR_BODY_CHARS).trim()}`,
          })
        } else if (done) settle(undefined, readStamp()) // same clock reading as the read that ended the body
        else
          settle({
            reason: 'bad_response',
            message: `${where}: stream ended without [DONE]${parser.hasPartial ? ' (inside an event)' : ''}`,
          })
      },
      onResponseError(_ctrl, error) {
        settle(classifyError(error, where))
      },
    }

    try {
      dispatcher.dispatch(
        {
          origin,
          path,
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...target.headers, ...(options.simSync === undefined ? {} : simSyncHeaders(options.simSync)) },
          body: payload,
          headersTimeout: idleMs,
          bodyTimeout: idleMs,
        },
        handler,
      )
    } catch (error) {
      settle(classifyError(error, where))
    }
  })
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value
}
