import type { RequestFailure, RequestRecord } from '../contracts/records.js'

/** The record of a request that never reached the server: sent and ended at `atMs`, no tokens. */
export function unsentRecord(request: { index: number; warmup: boolean; scheduledAtMs: number }, atMs: number, failure: RequestFailure): RequestRecord {
  return { ...request, sentAtMs: atMs, contentChunkAtMs: [], endAtMs: atMs, promptTokens: 0, completionTokens: 0, tokensEstimated: false, failure }
}
