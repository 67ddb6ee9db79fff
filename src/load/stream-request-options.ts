/** The options of one streamed request (stream-request.ts sends it, measured-stream.ts measures it). */
import type { ReadStamp } from './read-stamp.js'
import type { SimSyncRequest } from '../protocol/sim-sync.js'

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
