/**
 * One streaming OpenAI request over an undici dispatcher, measured at the event: every stamp is
 * taken with the monotonic clock inside undici's handler callbacks (never after an await), per
 * docs/metrics.md "Client timing"; body deliveries through `readStamp` (one reading per delivery, or the poll-phase
 * stamp of read-stamp.ts), shared by every SSE event of the delivery. Token chunks skip JSON.parse
 * when they match the stream's proved envelope (content-template.ts); the measuring handler is
 * measured-stream.ts. Failures are recorded on the
 * returned RequestRecord, never thrown (docs/README.md "Conventions" 2).
 */
import type { Dispatcher } from 'undici'
import type { RequestRecord } from '../contracts/records.js'
import { classifyError } from './chunk-fields.js'
import { endpointOf, requestPayload } from './endpoint.js'
import { MeasuredStream } from './measured-stream.js'
import type { ReadStamp } from './read-stamp.js'
import { simSyncHeaders, type SimSyncRequest } from '../protocol/sim-sync.js'
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
  const endpoint = options.endpoint ?? 'chat'
  const { origin, path, where } = endpointOf(target.baseUrl, endpoint)
  const payload = typeof body === 'string' ? body : requestPayload(body)
  const stream = new MeasuredStream(options, endpoint, where, now)
  return new Promise<RequestRecord>((resolve) => {
    // Not sent when the run was aborted already; else bounded by the request's timeout.
    if (!stream.start(resolve, options.timeoutS ?? DEFAULT_REQUEST_TIMEOUT_S)) return
    const idleMs = (options.idleTimeoutS ?? DEFAULT_IDLE_TIMEOUT_S) * 1000
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
        stream.handler,
      )
    } catch (error) {
      stream.settle(classifyError(error, where))
    }
  })
}
