/**
 * One simulated vLLM backend's PoC v2 (gonka-ai/vllm vllm/poc/routes.py and callbacks.py,
 * docs/poc.md "Protocol"): a generation loop over this backend's group of the nonce space, one
 * forward pass of batch_size × seq_len tokens per batch, priced by the performance model's step
 * cost as a prefill (eager, no KV reuse) on the simulator's clock; and a callback sender that
 * POSTs `{url}/generated` with every artifact since its last send, every POC_CALLBACK_INTERVAL_SEC,
 * retrying a failed send with a doubling backoff (1 s … 30 s). While inference requests are in
 * flight a batch yields (the fork's chat priority: `skipped`, retried after 50 ms).
 *
 * On the virtual clock a hold keeps simulated time from passing the next callback until the
 * receiver answered it: generation advances in step with the client, and an idle client never
 * lets the simulation run away. Without a callback url, each `pow/status` poll lets it run one
 * more interval; a failed callback waits a little real time before its retry. The callback carries the simulated send time and generation
 * start in headers (simulator only; docs/poc.md "On the simulator").
 */
import { createHash } from 'node:crypto'
import type { CancelFn } from './clock.js'
import { VirtualClock } from './virtual-clock.js'
import type { Replica } from './replica.js'

/** gonka-ai/vllm vllm/poc/callbacks.py defaults. */
export const CALLBACK_INTERVAL_S = 5
const RETRY_BACKOFF_S = 1
const RETRY_MAX_BACKOFF_S = 30
/** aiohttp ClientTimeout(total=10) of a callback. */
const CALLBACK_TIMEOUT_MS = 10_000
/** POC_CHAT_BUSY_BACKOFF_SEC. */
const CHAT_BUSY_BACKOFF_S = 0.05
/** Virtual clock: real ms a failed callback waits before its retry (a receiver gone for good must not spin the CPU). */
const VIRTUAL_RETRY_PAUSE_MS = 200

/** The config of one backend's generation (PoCInitGenerateRequest after MLNode injected the group). */
export interface PocGenerationConfig {
  blockHash: string
  blockHeight: number
  publicKey: string
  nodeId: number
  nodeCount: number
  groupId: number
  nGroups: number
  batchSize: number
  seqLen: number
  kDim: number
  /** The deployment's numerics (simulated drift by layout and output args). */
  numerics?: VectorNumerics
  url?: string
}

/** Nonces of one backend: node_id + group_id·n_nodes + x·(n_groups·n_nodes) (NonceIterator). */
export function* nonceIterator(c: Pick<PocGenerationConfig, 'nodeId' | 'nodeCount' | 'groupId' | 'nGroups'>): Generator<number> {
  const offset = c.nodeId + c.groupId * c.nodeCount
  const step = c.nGroups * c.nodeCount
  for (let x = 0; ; x++) yield offset + x * step
}

/** IEEE 754 binary16 bits of a float (round to nearest). */
function f16Bits(value: number): number {
  const f32 = new Float32Array([value])
  const x = new Uint32Array(f32.buffer)[0]!
  const sign = (x >>> 16) & 0x8000
  const exp = ((x >>> 23) & 0xff) - 127 + 15
  const mant = x & 0x7fffff
  if (exp <= 0) return sign
  if (exp >= 31) return sign | 0x7c00
  return sign | (exp << 10) | Math.round(mant / 0x2000)
}

/** What a deployment's PoC vectors depend on (src/sim/logits.ts): the model and output-changing args, and the layout's numerics. */
export interface VectorNumerics {
  outputKey: string
  layoutKey: string
}

/** Simulated drift of a different layout or GPU on a PoC vector component (unit-norm vectors; the chain's dist thresholds are 0.4–0.75). */
export const POC_LAYOUT_SIGMA = 0.01

/**
 * A stand-in vector: k_dim unit-norm float16 values, little-endian, base64, derived from the
 * seed and nonce. Not the model's output (simulated): the same nonce gives the same vector on the
 * same deployment; another layout or GPU moves each component by about POC_LAYOUT_SIGMA, and
 * other output-changing args (weights, KV dtype) give another vector altogether, as real PoC
 * vectors of another numeric stack would.
 */
export function simulatedVector(blockHash: string, publicKey: string, nonce: number, kDim: number, numerics?: VectorNumerics): string {
  const digest = createHash('sha256').update(`${blockHash}:${publicKey}:${nonce}${numerics ? `:${numerics.outputKey}` : ''}`).digest()
  const noise = numerics ? createHash('sha256').update(`${numerics.layoutKey}:${nonce}`).digest() : undefined
  const values = Array.from({ length: kDim }, (_, i) => digest[i % digest.length]! / 127.5 - 1 + 1e-3 + (noise ? ((noise[i % noise.length]! / 255) * 2 - 1) * POC_LAYOUT_SIGMA * Math.sqrt(3) : 0))
  const norm = Math.hypot(...values)
  const bytes = Buffer.alloc(kDim * 2)
  values.forEach((v, i) => bytes.writeUInt16LE(f16Bits(v / norm), i * 2))
  return bytes.toString('base64')
}

/** Seconds one PoC forward pass of `batchSize` nonces takes on the replica, or Infinity when it hangs. */
export function pocBatchSeconds(replica: Replica, batchSize: number, seqLen: number): number {
  // Hosts report that a PoC batch whose tokens exceed --max-num-batched-tokens hangs the engine (docs/poc.md).
  if (batchSize * seqLen > replica.engine.plan.engine.maxNumBatchedTokens) return Number.POSITIVE_INFINITY
  const prefill = Array.from({ length: batchSize }, () => ({ tokens: seqLen, contextBefore: 0 }))
  return replica.engine.plan.stepCost({ prefill, decode: [] }) * replica.slowdown
}

type Artifact = { nonce: number; vector_b64: string }

/** The PoC side of one backend. */
export class PocBackend {
  private config: PocGenerationConfig | undefined
  private startedS = 0
  private totalProcessed = 0
  private buffer: Artifact[] = []
  private batchTimer: CancelFn | undefined
  private sendTimer: CancelFn | undefined
  private generation = 0
  /** Simulated time of the sender's next send; Infinity while it waits for artifacts. */
  private nextSendS = Number.POSITIVE_INFINITY
  private sending = false
  private backoffS = RETRY_BACKOFF_S
  private pending: { sentAtS: number; payload: object } | undefined
  private removeHold: (() => void) | undefined
  /** Virtual clock without a callback url: how far simulated time may run (moved by status polls). */
  private pollHoldS = Number.POSITIVE_INFINITY

  constructor(readonly replica: Replica) {}

  get generating(): boolean {
    return this.config !== undefined && this.replica.healthy
  }

  /** vLLM's `GET /api/v1/pow/status` of this backend. */
  status(): Record<string, unknown> {
    if (!this.generating || this.config === undefined) return { status: 'IDLE', config: null, stats: null }
    const c = this.config
    if (c.url === undefined && this.removeHold !== undefined) {
      this.pollHoldS = Math.max(this.pollHoldS, this.replica.clock.nowS()) + CALLBACK_INTERVAL_S
      ;(this.replica.clock as VirtualClock).kick()
    }
    const elapsed = this.replica.clock.nowS() - this.startedS
    return {
      status: 'GENERATING',
      config: { block_hash: c.blockHash, block_height: c.blockHeight, public_key: c.publicKey, node_id: c.nodeId, node_count: c.nodeCount, group_id: c.groupId, n_groups: c.nGroups, seq_len: c.seqLen, k_dim: c.kDim },
      stats: { total_processed: this.totalProcessed, nonces_per_second: elapsed > 0 ? this.totalProcessed / elapsed : 0 },
    }
  }

  /** `init/generate` on this backend; the caller answered 409 when already generating. */
  start(config: PocGenerationConfig): void {
    this.stop()
    const gen = ++this.generation
    const clock = this.replica.clock
    this.config = config
    this.startedS = clock.nowS()
    this.totalProcessed = 0
    const nonces = nonceIterator(config)
    const take = (): number[] => Array.from({ length: config.batchSize }, () => nonces.next().value as number)
    const runBatch = (atS: number, batch: number[]): void => {
      if (gen !== this.generation || !this.replica.healthy) return this.stop()
      // Chat priority: the batch is skipped while inference requests run, and retried.
      if (this.replica.inFlight > 0) return this.at(atS + CHAT_BUSY_BACKOFF_S, (t) => runBatch(t, batch))
      const seconds = pocBatchSeconds(this.replica, config.batchSize, config.seqLen)
      if (!Number.isFinite(seconds)) return // hung: GENERATING, nothing ever comes
      this.at(atS + seconds, (endS) => {
        if (gen !== this.generation || !this.replica.healthy) return this.stop()
        this.totalProcessed += batch.length
        if (config.url !== undefined) {
          for (const nonce of batch) this.buffer.push({ nonce, vector_b64: simulatedVector(config.blockHash, config.publicKey, nonce, config.kDim, config.numerics) })
          // The interval already passed while the buffer was empty: send now.
          if (!this.sending && this.nextSendS === Number.POSITIVE_INFINITY) this.scheduleSend(endS)
        }
        runBatch(endS, take())
      })
    }
    runBatch(this.startedS, take())
    if (config.url !== undefined) this.scheduleSend(this.startedS + CALLBACK_INTERVAL_S)
    else this.pollHoldS = this.startedS + CALLBACK_INTERVAL_S
    if (clock instanceof VirtualClock) {
      this.removeHold = clock.addHold(() => {
        if (!this.generating) return Number.POSITIVE_INFINITY
        if (config.url === undefined) return this.pollHoldS
        return this.sending ? this.pending!.sentAtS : this.nextSendS
      })
    }
  }

  /** `stop`: cancels the loop and clears the buffer (vLLM's `_cancel_poc_tasks`). */
  stop(): void {
    this.generation++
    this.batchTimer?.()
    this.sendTimer?.()
    this.batchTimer = this.sendTimer = undefined
    this.config = undefined
    this.buffer = []
    this.pending = undefined
    this.sending = false
    this.nextSendS = Number.POSITIVE_INFINITY
    this.backoffS = RETRY_BACKOFF_S
    this.pollHoldS = Number.POSITIVE_INFINITY
    const remove = this.removeHold
    this.removeHold = undefined
    remove?.()
  }

  private at(atS: number, fn: (atS: number) => void): void {
    this.batchTimer = this.replica.clock.at(atS, fn)
  }

  private scheduleSend(atS: number): void {
    this.nextSendS = atS
    const gen = this.generation
    // An arrival-rank event: it runs at the held instant itself.
    this.sendTimer = this.replica.clock.at(atS, (t) => {
      if (gen === this.generation) this.send(t)
    }, { arrival: true })
  }

  /** One pass of CallbackSender.run: build the payload (or retry the pending one) and POST it. */
  private send(atS: number): void {
    const config = this.config
    if (config?.url === undefined || !this.generating) return
    if (this.pending === undefined) {
      if (this.buffer.length === 0) {
        this.nextSendS = Number.POSITIVE_INFINITY // sent as soon as artifacts come
        return
      }
      const artifacts = this.buffer
      this.buffer = []
      this.pending = {
        sentAtS: atS,
        payload: { public_key: config.publicKey, block_hash: config.blockHash, block_height: config.blockHeight, node_id: config.nodeId, artifacts, encoding: { dtype: 'f16', k_dim: config.kDim, endian: 'le' } },
      }
    }
    this.pending.sentAtS = atS
    this.sending = true
    const gen = this.generation
    const url = `${config.url}/generated`
    fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-mlnode-bench-sim-s': String(atS), 'x-mlnode-bench-sim-started-s': String(this.startedS) },
      body: JSON.stringify(this.pending.payload),
      signal: AbortSignal.timeout(CALLBACK_TIMEOUT_MS),
    })
      .then(async (r) => {
        await r.arrayBuffer().catch(() => undefined)
        return r.status < 400
      })
      .catch(() => false)
      .then(async (ok) => {
        // Still held at the failed send while it pauses: simulated time does not run on meanwhile.
        if (!ok && this.replica.clock instanceof VirtualClock) await new Promise((r) => setTimeout(r, VIRTUAL_RETRY_PAUSE_MS))
        if (gen !== this.generation) return
        this.sending = false
        if (ok) {
          this.pending = undefined
          this.backoffS = RETRY_BACKOFF_S
          this.scheduleSend(atS + CALLBACK_INTERVAL_S)
        } else {
          this.scheduleSend(atS + this.backoffS)
          this.backoffS = Math.min(this.backoffS * 2, RETRY_MAX_BACKOFF_S)
        }
        if (this.replica.clock instanceof VirtualClock) this.replica.clock.kick()
      })
  }
}
