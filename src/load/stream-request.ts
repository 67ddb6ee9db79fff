/**
 * One streaming OpenAI request over an undici dispatcher, measured at the event: every stamp is
 * taken with the monotonic clock inside undici's handler callbacks (never after an await), per
 * docs/metrics.md "Client timing"; body deliveries through `readStamp` (one reading per delivery, or the poll-phase
 * stamp of read-stamp.ts), shared by every SSE event of the delivery. Token chunks skip JSON.parse
 * when they match the stream's proved envelope (content-template.ts); the measuring handler is
 * measured-stream.ts. Failures are recorded on the
 * returned RequestRecord, never thrown (docs/README.md "Conventions" 2).
 */
import type { StreamRequestOptions } from './stream-request-options.js'
export type { StreamRequestOptions } from './stream-request-options.js'
import type { Dispatcher } from 'undici'
import type { RequestRecord } from '../contracts/records.js'
import { classifyError } from './chunk-fields.js'
import { endpointOf, requestPayload } from './endpoint.js'
import { MeasuredStream } from './measured-stream.js'
import { simSyncHeaders } from '../protocol/sim-sync.js'
import type { LoadTarget } from '../contracts/workload.js'

// Moved to files of their own; re-exported for existing importers.
export { endpointPath, requestPayload } from './endpoint.js'
export { SIM_SKIPPED } from './simulated-stamps.js'


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
