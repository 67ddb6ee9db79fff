/**
 * One vLLM instance's engine, scheduling as vLLM V1 does (vllm/v1/core/sched/scheduler.py):
 * - continuous batching: every step re-forms the batch from RUNNING then WAITING requests;
 * - a token budget of `maxNumBatchedTokens` per step and at most `maxNumSeqs` running requests;
 *   RUNNING requests are served first in their order (decodes take 1 token; an unfinished chunked
 *   prefill takes what is left of the budget), then WAITING requests are admitted FCFS with
 *   chunked prefill filling the rest of the budget (without chunked prefill a prompt that does not
 *   fit in the remaining budget waits);
 * - the KV cache is `kvBlocks` blocks of `blockSize` tokens, allocated for computed + scheduled
 *   tokens; when a RUNNING request cannot get its blocks, the newest RUNNING request is preempted
 *   (recompute: its blocks are freed, it goes back to the FRONT of WAITING and later recomputes
 *   prompt + already generated tokens as a prefill; with prefix caching on, the full blocks it
 *   had stay cached until evicted and are a cache hit when it returns: preempted-prefixes.ts);
 *   no new request is admitted in a step that preempted (as V1 does);
 * - a step takes `plan.stepCost(batch) * slowdown` simulated seconds; a request whose scheduled
 *   tokens complete all its known tokens samples one new token at the end of the step.
 * - with prefix caching on, requests that carry block hashes share computed prompt blocks by
 *   content (prefix-cache.ts): an admitted request references the cached blocks of its longest
 *   cached prefix and computes only the rest; free cached blocks are evicted before a preempted
 *   request's kept prefix.
 * Not modelled: speculative decoding, async scheduling overlap, priorities.
 */
import type { InstanceModel } from '../model/types.js'
import type { CancelFn, SimClock } from './clock.js'
import { PreemptedPrefixes } from './preempted-prefixes.js'
import { PrefixCache } from './prefix-cache.js'
import { createNoiseFactors } from './rng.js'
import type { EngineListener, EngineOptions, EngineRequest, EngineSnapshot, EngineStats } from './engine-types.js'

export type { EngineListener, EngineOptions, EngineRequest, EngineSnapshot, EngineStats, StepInfo } from './engine-types.js'

interface Sequence {
  request: EngineRequest
  /** Simulated arrival: a step that started earlier never includes it. */
  arrivalS: number
  computed: number
  output: number
  /** Blocks this sequence holds alone (its leading prompt blocks held through the prefix cache are in `refs`). */
  blocks: number
  /** Hashes of its leading prompt blocks it references in the prefix cache, in order. */
  refs: number[]
  /** Free blocks still holding this (preempted) sequence's prefix. */
  cachedBlocks: number
  aborted: boolean
}

/** One vLLM instance's scheduler and step loop on a SimClock (see the file header). */
export class Engine {
  private readonly running: Sequence[] = []
  private readonly waiting: Sequence[] = []
  private readonly byId = new Map<string, Sequence>()
  private freeBlocks: number
  private readonly preemptedPrefixes = new PreemptedPrefixes<Sequence>()
  private readonly prefixCache = new PrefixCache()
  private busy = false
  private pending: CancelFn | undefined
  private readonly slowdown: number
  private readonly noise: () => number
  /** When the API server's front end is free for the next request. */
  private frontEndFreeS = 0
  /** Logical end of the last step: a new step never starts before it. */
  private lastEndS = 0
  readonly stats: EngineStats = { steps: 0, preemptions: 0, finished: 0, aborted: 0, rejected: 0, maxRunning: 0, maxUsedBlocks: 0, promptTokens: 0, generationTokens: 0, prefixQueries: 0, prefixHits: 0 }

  constructor(
    readonly plan: InstanceModel,
    private readonly clock: SimClock,
    private readonly listener: EngineListener = {},
    options: EngineOptions = {},
  ) {
    this.freeBlocks = plan.kvBlocks
    this.slowdown = options.slowdown ?? 1
    this.noise = createNoiseFactors(options.noiseCv ?? 0, options.noiseSeed ?? 0)
  }

  /** Gauges and counters now, as vLLM's /metrics reports them (the simulator's /metrics page). */
  snapshot(): EngineSnapshot {
    return { ...this.stats, running: this.running.length, waiting: this.waiting.length, usedBlocks: this.usedBlocks, kvBlocks: this.plan.kvBlocks }
  }

  /** Requests accepted and not yet finished or aborted (the load balancer's "connections"). */
  get inFlight(): number {
    return this.byId.size
  }

  get usedBlocks(): number {
    return this.plan.kvBlocks - this.freeBlocks
  }

  /** Queues a request at simulated time `atS` (default: the clock's now). */
  add(request: EngineRequest, atS = this.clock.nowS()): void {
    if (this.byId.has(request.id)) throw new Error(`engine: duplicate request id ${request.id}`)
    // The API server's front end (HTTP, chat template, tokenization) is one Python process with a
    // single tokenizer thread: requests pass through it one at a time before the scheduler sees them.
    const readyS = Math.max(atS, this.frontEndFreeS) + (this.plan.requestOverheadS ?? 0)
    this.frontEndFreeS = readyS
    const seq: Sequence = { request, arrivalS: readyS, computed: 0, output: 0, blocks: 0, refs: [], cachedBlocks: 0, aborted: false }
    const needBlocks = this.blocksFor(request.promptTokens + Math.max(1, request.outputTokens))
    if (needBlocks > this.plan.kvBlocks) {
      // vLLM refuses such a model at start-up (max_model_len > KV capacity); a plan that still
      // lets one through would stall the queue forever, so reject the request instead.
      this.stats.rejected++
      this.listener.onReject?.(request, `request needs ${needBlocks} KV blocks, the cache has ${this.plan.kvBlocks}`, atS)
      return
    }
    this.byId.set(request.id, seq)
    this.waiting.push(seq)
    if (!this.busy) this.startStep(Math.max(atS, this.lastEndS))
  }

  /** Drops a request (client gone, `down`). Its blocks are freed now; a step in flight ignores it. */
  abort(id: string): boolean {
    const seq = this.byId.get(id)
    if (seq === undefined) return false
    seq.aborted = true
    this.byId.delete(id)
    this.remove(this.running, seq)
    this.remove(this.waiting, seq)
    this.preemptedPrefixes.drop(seq)
    this.freeBlocks += seq.blocks + this.prefixCache.release(seq.refs)
    seq.blocks = 0
    seq.refs = []
    this.stats.aborted++
    return true
  }

  /** Aborts everything and stops stepping. */
  abortAll(): void {
    for (const id of [...this.byId.keys()]) this.abort(id)
    this.pending?.()
    this.pending = undefined
    this.busy = false
  }

  private blocksFor(tokens: number): number {
    return Math.ceil(tokens / this.plan.engine.blockSize)
  }

  /** Blocks the sequence holds, alone or shared. */
  private held(seq: Sequence): number {
    return seq.blocks + seq.refs.length
  }

  /** Block hashes the engine may use for `seq` (prefix caching on and the request carries them). */
  private hashesOf(seq: Sequence): readonly number[] | undefined {
    return this.plan.engine.enablePrefixCaching ? seq.request.blockHashes : undefined
  }

  /**
   * Takes `need` free blocks for `seq`, evicting free cached blocks first (least recently freed),
   * then cached prefixes of preempted requests, until the clean free blocks cover it.
   */
  private allocate(seq: Sequence, need: number): void {
    const deficit = need - (this.freeBlocks - this.preemptedPrefixes.cachedBlocks - this.prefixCache.freeCached)
    if (deficit > 0) this.prefixCache.evict(deficit)
    this.preemptedPrefixes.allocate(need, this.freeBlocks - this.prefixCache.freeCached)
    this.freeBlocks -= need
    seq.blocks += need
  }

  private remove(list: Sequence[], seq: Sequence): void {
    const i = list.indexOf(seq)
    if (i >= 0) list.splice(i, 1)
  }

  private preempt(seq: Sequence): void {
    // Its blocks referenced through the prefix cache leave it (kept below as its own prefix).
    const held = this.held(seq)
    this.freeBlocks += seq.blocks + this.prefixCache.forget(seq.refs)
    if (this.plan.engine.enablePrefixCaching) this.preemptedPrefixes.keep(seq, Math.min(held, Math.floor(seq.computed / this.plan.engine.blockSize)))
    seq.blocks = 0
    seq.refs = []
    seq.computed = 0
    this.waiting.unshift(seq)
    this.stats.preemptions++
  }

  /** Forms one step's batch; returns the scheduled (sequence, tokens) pairs. */
  private schedule(startS: number): { scheduled: Array<[Sequence, number]>; preempted: number } {
    const { maxNumBatchedTokens, maxNumSeqs, enableChunkedPrefill } = this.plan.engine
    // Under PP a step is a pipeline round whose micro-batches each get max_num_batched_tokens
    // (InstanceModel.roundTokenBudget); one request's chunk still fits one micro-batch.
    let budget = this.plan.roundTokenBudget ?? maxNumBatchedTokens
    const chunkCap = maxNumBatchedTokens
    const scheduled: Array<[Sequence, number]> = []
    let preempted = 0

    let i = 0
    while (i < this.running.length && budget > 0) {
      const seq = this.running[i]!
      const tokens = Math.min(seq.request.promptTokens + seq.output - seq.computed, budget, chunkCap)
      const need = this.blocksFor(seq.computed + tokens) - this.held(seq)
      let selfPreempted = false
      while (need > this.freeBlocks) {
        const victim = this.running.pop()!
        this.preempt(victim)
        preempted++
        if (victim === seq) {
          selfPreempted = true
          break
        }
      }
      if (selfPreempted) break
      this.allocate(seq, need)
      scheduled.push([seq, tokens])
      budget -= tokens
      i++
    }

    if (preempted === 0) {
      while (this.waiting.length > 0 && this.running.length < maxNumSeqs && budget > 0) {
        const seq = this.waiting[0]!
        // On the wall clock a late step-end timer can run after a request's arrival stamp:
        // that step started (in simulated time) before the request existed.
        if (seq.arrivalS > startS) break
        // A returning preempted request hits its cached prefix (never its last token: vLLM
        // recomputes at least one token to sample from).
        const total = seq.request.promptTokens + seq.output
        const blockSize = this.plan.engine.blockSize
        // Otherwise a new request may find its leading blocks in the shared prefix cache (whole
        // blocks, never the last token: vLLM caps a hit at num_tokens − 1).
        const hashes = seq.cachedBlocks > 0 ? undefined : this.hashesOf(seq)
        const shared = hashes === undefined ? 0 : Math.min(this.prefixCache.match(hashes), Math.floor((total - 1) / blockSize))
        const hit = seq.cachedBlocks > 0 ? seq.cachedBlocks : shared
        const computed = Math.min(hit * blockSize, total - 1)
        const remaining = total - computed
        if (!enableChunkedPrefill && remaining > Math.min(budget, chunkCap)) break
        const tokens = Math.min(remaining, budget, chunkCap)
        const need = this.blocksFor(computed + tokens) - hit
        const sharedFromFree = shared > 0 ? this.prefixCache.freeAmong(hashes!, shared) : 0
        if (need + (seq.cachedBlocks > 0 ? hit : sharedFromFree) > this.freeBlocks) break
        this.freeBlocks -= this.preemptedPrefixes.drop(seq)
        if (shared > 0) {
          this.freeBlocks -= this.prefixCache.acquire(hashes!, shared)
          seq.refs = hashes!.slice(0, shared)
        }
        // vLLM V1 counts a prefix-cache lookup per admission: the request's tokens, and those it found cached.
        if (this.plan.engine.enablePrefixCaching) {
          this.stats.prefixQueries += total
          this.stats.prefixHits += computed
        }
        seq.blocks = hit - shared
        seq.computed = computed
        this.allocate(seq, need)
        this.waiting.shift()
        this.running.push(seq)
        scheduled.push([seq, tokens])
        budget -= tokens
      }
    }
    return { scheduled, preempted }
  }

  /** Moves the sequence's newly computed full prompt blocks into the prefix cache. */
  private cacheComputedBlocks(seq: Sequence): void {
    const hashes = this.hashesOf(seq)
    if (hashes === undefined) return
    const full = Math.min(hashes.length, Math.floor(seq.computed / this.plan.engine.blockSize))
    while (seq.refs.length < full && seq.blocks > 0) {
      const hash = hashes[seq.refs.length]!
      const cached = this.prefixCache.register(hash)
      // Its own block becomes the cached copy, or goes back clean when a copy was cached already.
      seq.blocks--
      if (cached.kind === 'shared') this.freeBlocks += 1 - cached.fromFree
      seq.refs.push(hash)
    }
  }

  private startStep(startS: number): void {
    const { scheduled, preempted } = this.schedule(startS)
    if (scheduled.length === 0) {
      this.busy = false
      const head = this.waiting[0]
      if (head !== undefined && this.running.length === 0 && head.arrivalS > startS) {
        this.busy = true
        this.pending = this.clock.at(head.arrivalS, () => {
          this.pending = undefined
          this.startStep(head.arrivalS)
        })
        return
      }
      if (this.waiting.length > 0 && this.running.length === 0) {
        // Cannot happen with the admission check in add(); guard against a stalled queue anyway.
        const seq = this.waiting.shift()!
        this.byId.delete(seq.request.id)
        this.stats.rejected++
        this.listener.onReject?.(seq.request, 'request cannot be scheduled', startS)
      }
      return
    }
    const batch: { prefill: Array<{ tokens: number; contextBefore: number }>; decode: Array<{ contextLen: number }> } = { prefill: [], decode: [] }
    let scheduledTokens = 0
    for (const [seq, tokens] of scheduled) {
      scheduledTokens += tokens
      const total = seq.request.promptTokens + seq.output
      if (seq.output > 0 && tokens === 1 && seq.computed === total - 1) batch.decode.push({ contextLen: total })
      else batch.prefill.push({ tokens, contextBefore: seq.computed })
    }
    const durationS = this.plan.stepCost(batch) * this.slowdown * this.noise()
    this.stats.steps++
    this.stats.maxRunning = Math.max(this.stats.maxRunning, this.running.length)
    this.stats.maxUsedBlocks = Math.max(this.stats.maxUsedBlocks, this.usedBlocks)
    this.listener.onStep?.({
      startS,
      durationS,
      batch,
      running: this.running.length,
      waiting: this.waiting.length,
      usedBlocks: this.usedBlocks,
      kvBlocks: this.plan.kvBlocks,
      scheduledTokens,
      preempted,
    })
    this.busy = true
    const endS = startS + durationS
    this.pending = this.clock.at(endS, () => this.finishStep(scheduled, endS))
  }

  private finishStep(scheduled: Array<[Sequence, number]>, endS: number): void {
    this.pending = undefined
    this.lastEndS = endS
    for (const [seq, tokens] of scheduled) {
      // Aborted, or preempted after being scheduled (cannot happen in V1 order, kept safe).
      if (seq.aborted || this.held(seq) === 0) continue
      seq.computed += tokens
      this.cacheComputedBlocks(seq)
      if (seq.computed < seq.request.promptTokens + seq.output) continue
      seq.output++
      this.stats.generationTokens++
      if (seq.output === 1) this.stats.promptTokens += seq.request.promptTokens
      this.listener.onToken?.(seq.request, seq.output, endS)
      if (seq.output >= seq.request.outputTokens) {
        this.byId.delete(seq.request.id)
        this.remove(this.running, seq)
        this.freeBlocks += seq.blocks + this.prefixCache.release(seq.refs)
        seq.blocks = 0
        seq.refs = []
        this.stats.finished++
        this.listener.onFinish?.(seq.request, endS)
      }
    }
    if (this.running.length > 0 || this.waiting.length > 0) this.startStep(endS)
    else this.busy = false
  }
}
