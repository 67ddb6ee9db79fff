/**
 * The simulated-time protocol between the load client and the embedded simulator (virtual clock).
 *
 * Why: a measurement of a simulated run must not move with this machine's load. The client tells
 * the simulator how its requests are scheduled (a session: count, max in flight, arrival offsets);
 * the simulator admits them in simulated time whatever their real arrival order, holds its clock
 * until a request it needs has arrived, and stamps every event with its own simulated time. The
 * client then records those stamps instead of its own clock: the same inputs give the same
 * numbers on an idle or a saturated machine. A real server ignores the headers.
 *
 * Request headers (all on every request of a session):
 *   x-mlnode-sim-session: <id>        unique per workload phase (warm-up, measured)
 *   x-mlnode-sim-index: <k>           0-based, in the order the schedule sends them
 *   x-mlnode-sim-count: <n>           requests in the session
 *   x-mlnode-sim-max-in-flight: <m>   closed loop: workers; open loop: max concurrency; 0 = none
 *   x-mlnode-sim-offset-s: <s>        open loop: arrival offset from the session start
 *   x-mlnode-sim-duration-s: <s>      optional: requests admitted later are skipped
 * Response: header `x-mlnode-sim-sent-ms` (admission, ms from the session start); a skipped request
 * gets `x-mlnode-sim-skipped: duration` and an empty stream; a stream ends with the comment line
 * `: mlnode-sim-times {"tokenMs":[…],"endMs":…}` right before `data: [DONE]`.
 */

export const SIM_SYNC_HEADERS = {
  session: 'x-mlnode-sim-session',
  index: 'x-mlnode-sim-index',
  count: 'x-mlnode-sim-count',
  maxInFlight: 'x-mlnode-sim-max-in-flight',
  offsetS: 'x-mlnode-sim-offset-s',
  durationS: 'x-mlnode-sim-duration-s',
  sentMs: 'x-mlnode-sim-sent-ms',
  skipped: 'x-mlnode-sim-skipped',
} as const

/** The SSE comment that carries a stream's simulated stamps. */
export const SIM_TIMES_COMMENT = 'mlnode-sim-times '

/** One request's place in its session. */
export interface SimSyncRequest {
  session: string
  index: number
  count: number
  /** 0 or Infinity: no cap. */
  maxInFlight: number
  offsetS: number
  durationS?: number
}

/** Simulated stamps of one streamed response, ms from the session start. */
export interface SimStreamTimes {
  tokenMs: number[]
  endMs: number
}

/** The request headers of `r`. */
export function simSyncHeaders(r: SimSyncRequest): Record<string, string> {
  const h: Record<string, string> = {
    [SIM_SYNC_HEADERS.session]: r.session,
    [SIM_SYNC_HEADERS.index]: String(r.index),
    [SIM_SYNC_HEADERS.count]: String(r.count),
    [SIM_SYNC_HEADERS.maxInFlight]: Number.isFinite(r.maxInFlight) ? String(r.maxInFlight) : '0',
    [SIM_SYNC_HEADERS.offsetS]: String(r.offsetS),
  }
  if (r.durationS !== undefined && Number.isFinite(r.durationS)) h[SIM_SYNC_HEADERS.durationS] = String(r.durationS)
  return h
}

/** Parses the request headers; undefined when the request is not part of a session; a string says what is wrong. */
export function parseSimSyncHeaders(get: (name: string) => string | undefined): SimSyncRequest | string | undefined {
  const session = get(SIM_SYNC_HEADERS.session)
  if (session === undefined) return undefined
  const num = (name: string, fallback?: number): number | string => {
    const text = get(name)
    if (text === undefined) return fallback ?? `missing header ${name}`
    const value = Number(text)
    return Number.isFinite(value) && value >= 0 ? value : `header ${name}: ${JSON.stringify(text)} is not a number >= 0`
  }
  const index = num(SIM_SYNC_HEADERS.index)
  const count = num(SIM_SYNC_HEADERS.count)
  const maxInFlight = num(SIM_SYNC_HEADERS.maxInFlight, 0)
  const offsetS = num(SIM_SYNC_HEADERS.offsetS, 0)
  const durationS = num(SIM_SYNC_HEADERS.durationS, Number.POSITIVE_INFINITY)
  for (const v of [index, count, maxInFlight, offsetS, durationS]) if (typeof v === 'string') return v
  if (!Number.isInteger(index) || !Number.isInteger(count) || (index as number) >= (count as number)) return `header ${SIM_SYNC_HEADERS.index}: ${String(index)} is not an integer below ${SIM_SYNC_HEADERS.count} ${String(count)}`
  return {
    session,
    index: index as number,
    count: count as number,
    maxInFlight: maxInFlight === 0 ? Number.POSITIVE_INFINITY : (maxInFlight as number),
    offsetS: offsetS as number,
    ...(Number.isFinite(durationS) ? { durationS: durationS as number } : {}),
  }
}

/** The comment line (with its line end) carrying `times`. */
export function simTimesComment(times: SimStreamTimes): string {
  return `: ${SIM_TIMES_COMMENT}${JSON.stringify(times)}\n`
}

/** Parses a comment's text (after the colon); undefined when it is another comment or malformed. */
export function parseSimTimesComment(text: string): SimStreamTimes | undefined {
  const body = text.startsWith(' ') ? text.slice(1) : text
  if (!body.startsWith(SIM_TIMES_COMMENT)) return undefined
  try {
    const value = JSON.parse(body.slice(SIM_TIMES_COMMENT.length)) as Partial<SimStreamTimes>
    if (!Array.isArray(value.tokenMs) || typeof value.endMs !== 'number' || !value.tokenMs.every((t) => typeof t === 'number')) return undefined
    return { tokenMs: value.tokenMs, endMs: value.endMs }
  } catch {
    return undefined
  }
}

/** Simulated ms rounded to the microsecond (what travels on the wire). */
export function wireMs(seconds: number): number {
  return Math.round(seconds * 1e6) / 1e3
}
