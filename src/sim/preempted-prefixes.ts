/**
 * What vLLM V1's prefix cache keeps of a preempted request (vllm/v1/core/kv_cache_manager.py,
 * block_pool.py): preemption frees the request's blocks, but full blocks keep their hash and
 * contents in the free queue until a new allocation evicts them (least recently freed first;
 * a request's blocks are freed tail first, so its prefix survives longest). When the request is
 * scheduled again its cached prefix is a cache hit and only the rest is recomputed. Without this,
 * a cache that runs short re-computes whole prompts over and over.
 *
 * The engine counts these blocks as free; this class says how many of them still hold whose
 * prefix, and evicts when an allocation needs more than the clean free blocks.
 */
export interface CachedOwner {
  /** Full blocks of this request's prefix still in the cache (part of the engine's free blocks). */
  cachedBlocks: number
}

export class PreemptedPrefixes<T extends CachedOwner> {
  /** Owners in the order their blocks were freed (oldest first = evicted first). */
  private readonly owners: T[] = []
  private total = 0

  /** Blocks that are free but still hold some preempted request's prefix. */
  get cachedBlocks(): number {
    return this.total
  }

  /** A preempted request's `blocks` full blocks go to the free queue, still holding its prefix. */
  keep(owner: T, blocks: number): void {
    this.drop(owner)
    if (blocks <= 0) return
    owner.cachedBlocks = blocks
    this.owners.push(owner)
    this.total += blocks
  }

  /** The owner takes its cached blocks back (cache hit) or no longer needs them (abort). */
  drop(owner: T): number {
    const i = this.owners.indexOf(owner)
    if (i < 0) return 0
    this.owners.splice(i, 1)
    const blocks = owner.cachedBlocks
    this.total -= blocks
    owner.cachedBlocks = 0
    return blocks
  }

  /**
   * An allocation of `need` blocks out of `free` free blocks: evicts cached prefixes (oldest owner
   * first, each from its tail) until the clean free blocks cover it.
   */
  allocate(need: number, free: number): void {
    let deficit = need - (free - this.total)
    while (deficit > 0 && this.owners.length > 0) {
      const owner = this.owners[0]!
      const evict = Math.min(owner.cachedBlocks, deficit)
      owner.cachedBlocks -= evict
      this.total -= evict
      deficit -= evict
      if (owner.cachedBlocks === 0) this.owners.shift()
    }
  }
}
