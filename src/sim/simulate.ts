/**
 * `simulateRequests`: the engine of the HTTP simulator run on the virtual clock with no sockets,
 * for `predict`. Records carry simulated milliseconds and look like what the load client would
 * measure against a zero-latency network: role chunk and first token arrive together at the end of
 * the step that produced the first token, one content chunk per token.
 */
import type { RequestRecord } from '../contracts/records.js'
import type { InstanceModel } from '../model/types.js'
import { pickLeastConnections } from './balancer.js'
import { VirtualClock } from './virtual-clock.js'
import { stepNoiseSeed } from './rng.js'
import { SessionDispatcher } from './dispatcher.js'
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
  plan: InstanceModel
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
  /** Step-time noise (coefficient of variation) and its seed, as the server's `noiseCv`/`seed`. @default 0 */
  noiseCv?: number
  seed?: number
  /** Called as each request is admitted, and as each settles (progress of a long `predict`). */
  onRequestSent?: (index: number) => void
  onRequestDone?: (record: RequestRecord) => void
}

function noiseOf(input: SimulateRequestsInput, replica: number): { noiseCv?: number; noiseSeed?: number } {
  return input.noiseCv ? { noiseCv: input.noiseCv, noiseSeed: stepNoiseSeed(input.seed ?? 0, replica) } : {}
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
  // Admission in time order (stable for equal times): the same dispatcher as the HTTP simulator.
  const order = requests.map((_, i) => i).sort((a, b) => (requests[a]!.arrivalS ?? 0) - (requests[b]!.arrivalS ?? 0) || a - b)
  const dispatcher = new SessionDispatcher(clock, { count: order.length, maxInFlight: concurrency, originS: 0 })
  const done = (id: string, atS: number): void => {
    replicaOf.delete(id)
    records[Number(id)]!.endAtMs = atS * 1000
    dispatcher.finished(atS)
    input.onRequestDone?.(records[Number(id)]!)
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
  const engines = Array.from({ length: instances }, (_, i) => new Engine(plan, clock, listener, { slowdown: input.slowdown ?? 1, ...noiseOf(input, i) }))
  const replicas = engines.map((e) => ({ healthy: true, get inFlight() { return e.inFlight } }))

  function send(index: number, atS: number): void {
    const r = requests[index]!
    const rec = records[index]!
    rec.sentAtMs = atS * 1000
    input.onRequestSent?.(index)
    const request: EngineRequest = { id: String(index), promptTokens: r.promptTokens, outputTokens: Math.max(1, Math.floor(r.outputTokens)) }
    if (r.promptTokens + request.outputTokens > plan.engine.maxModelLen) {
      listener.onReject!(request, `prompt ${r.promptTokens} + output ${request.outputTokens} tokens exceed max_model_len ${plan.engine.maxModelLen}`, atS)
      return
    }
    const replica = pickLeastConnections(replicas)
    replicaOf.set(request.id, replica)
    engines[replica]!.add(request, atS)
  }

  order.forEach((index, k) => {
    dispatcher.offer(k, { offsetS: requests[index]!.arrivalS ?? 0, start: (atS) => send(index, atS), skip: () => undefined })
  })
  clock.drain()
  return records
}
