/**
 * Against a simulator on simulated time (src/protocol/sim-sync.ts), a record's stamps are the
 * simulator's own, in ms from the session start, not the client's clock.
 */
import type { FailureReason, RequestRecord } from '../contracts/records.js'
import type { SimStreamTimes, SimSyncRequest } from '../protocol/sim-sync.js'

/** The failure message of a request the simulator skipped (admitted after the duration bound): not a failure, dropped by the caller. */
export const SIM_SKIPPED = "skipped by the simulator: past the workload's duration"

/**
 * Replaces the client's stamps of `record` by the simulator's (ms from the session start): sent =
 * admission, first byte = admission (no network in simulated time), each content chunk = its
 * token, end = the engine's finish. A successful stream without stamps is a protocol failure;
 * failures end at their admission (the simulator answers them at once). Returns the failure to record.
 */
export function useSimulatedTime(
  record: RequestRecord,
  sync: SimSyncRequest,
  sentMs: number | undefined,
  times: SimStreamTimes | undefined,
  skipped: boolean,
  failure: { reason: FailureReason; message: string; status?: number } | undefined,
  where: string,
): typeof failure {
  record.scheduledAtMs = sync.offsetS * 1000
  if (skipped) return { reason: 'aborted', message: SIM_SKIPPED }
  const sent = sentMs ?? record.scheduledAtMs
  record.sentAtMs = sent
  record.dispatchedAtMs = sent
  record.firstByteAtMs = sent
  if (failure !== undefined || times === undefined || times.tokenMs.length !== record.contentChunkAtMs.length) {
    record.endAtMs = sent
    if (record.firstChunkAtMs !== undefined) record.firstChunkAtMs = sent
    record.contentChunkAtMs = record.contentChunkAtMs.map(() => sent)
    if (failure !== undefined) return failure
    const got = times === undefined ? 'no simulated stamps' : `${times.tokenMs.length} stamps for ${record.contentChunkAtMs.length} content chunks`
    return { reason: 'bad_response', message: `${where}: simulated-time stream ended with ${got}` }
  }
  record.contentChunkAtMs = times.tokenMs
  if (record.firstChunkAtMs !== undefined) record.firstChunkAtMs = times.tokenMs[0] ?? times.endMs
  record.endAtMs = times.endMs
  return undefined
}
