/**
 * `simulateRequests`: the engine of the HTTP simulator run on the virtual clock with no sockets,
 * for `predict`. Records carry simulated milliseconds and look like what the load client would
 * measure against a zero-latency network: role chunk and first token arrive together at the end of
 * the step that produced the first token, one content chunk per token.
 */
import type { RequestRecord } from '../metrics/types.js'
import type { InstancePlan } from '../model/types.js'
import { pickLeastConnections } from './balancer.js'
import { VirtualClock } from './clock.js'
import { Engine, type EngineListener, type EngineRequest } from './engine.js'

/** One request to simulate. */
export interface SimulatedRequest {
  /** When it arrives (open loop), simulated seconds. @default 0 */
  arrivalS?: number
  promptTokens: number
  /** Exact number of tokens to generate (no EOS draw here: the caller decides). Minimum 1. */
  outputTokens: number
}

/** Input of {@link simulateRequests}. */
export interface SimulateRequestsInput {
  plan: InstancePlan
  /** vLLM instances behind the least-connections balancer (all healthy from t=0). */
  instances: number
  requests: ReadonlyArray<SimulatedRequest>
  /**
   * At most this many requests in flight (closed loop when every arrival is 0): a request is sent
   * at max(arrival, a slot frees up). @default unlimited
   */
  concurrency?: number
  /** Multiplies every step cost (as MLNODE_SIM_SLOWDOWN does for the server). @default 1 */
  slowdown?: number
}

/**
 * Runs `requests` through `instances` engines of `plan` on a virtual clock and returns one
 * RequestRecord per request, in input order, times in simulated ms from t=0. Deterministic: the
 * same input always gives the same records. Requests that can never fit the KV cache (or exceed
 * max_model_len) come back as failures with status 400, as vLLM answers them.
 */
export function simulateRequests(input: SimulateRequestsInput): RequestRecord[] {
  const { plan, requests } = input
  const instances = Math.max(1, Math.floor(input.instances))
  const concurrency = input.concurrency === undefined ? Number.POSITIVE_INFINITY : Math.max(1, Math.floor(input.concurrency))
  const clock = new VirtualClock()
  const records: RequestRecord[] = requests.map((r, index) => ({
    index,
    warmup: false,
    scheduledAtMs: (r.arrivalS ?? 0) * 1000,
    sentAtMs: Number.NaN,
    contentChunkAtMs: [],
    endAtMs: Number.NaN,
    promptTokens: r.promptTokens,
    completionTokens: 0,
    tokensEstimated: false,
  }))

  const replicaOf = new Map<string, number>()
  let inFlight = 0
  const queue: number[] = []
  const done = (id: string, atS: number): void => {
    replicaOf.delete(id)
    inFlight--
    records[Number(id)]!.endAtMs = atS * 1000
    const next = queue.shift()
    if (next !== undefined) send(next, atS)
  }
  const listener: EngineListener = {
    onToken(request, count, atS) {
      const rec = records[Number(request.id)]!
      const atMs = atS * 1000
      if (count === 1) {
        rec.firstByteAtMs = atMs
        rec.firstChunkAtMs = atMs
      }
      rec.contentChunkAtMs.push(atMs)
      rec.completionTokens = count
    },
    onFinish(request, atS) {
      done(request.id, atS)
    },
    onReject(request, reason, atS) {
      records[Number(request.id)]!.failure = { reason: 'http_status', status: 400, message: reason }
      done(request.id, atS)
    },
  }
  const engines = Array.from({ length: instances }, () => new Engine(plan, clock, listener, { slowdown: input.slowdown ?? 1 }))
  const replicas = engines.map((e) => ({ healthy: true, get inFlight() { return e.inFlight } }))

  function send(index: number, atS: number): void {
    const r = requests[index]!
    const rec = records[index]!
    rec.sentAtMs = atS * 1000
    inFlight++
    const request: EngineRequest = { id: String(index), promptTokens: r.promptTokens, outputTokens: Math.max(1, Math.floor(r.outputTokens)) }
    if (r.promptTokens + request.outputTokens > plan.engine.maxModelLen) {
      clock.at(atS, () => listener.onReject!(request, `prompt ${r.promptTokens} + output ${request.outputTokens} tokens exceed max_model_len ${plan.engine.maxModelLen}`, atS))
      return
    }
    const replica = pickLeastConnections(replicas)
    replicaOf.set(request.id, replica)
    engines[replica]!.add(request, atS)
  }

  // Arrivals in time order (stable for equal times), each either sent or queued for a slot.
  const order = requests.map((_, i) => i).sort((a, b) => (requests[a]!.arrivalS ?? 0) - (requests[b]!.arrivalS ?? 0) || a - b)
  for (const index of order) {
    clock.at(requests[index]!.arrivalS ?? 0, (atS) => {
      if (inFlight < concurrency) send(index, atS)
      else queue.push(index)
    })
  }
  clock.drain()
  return records
}
