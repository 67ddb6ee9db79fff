/**
 * Blocks shared between requests by content, as vLLM V1's prefix cache keeps them
 * (vllm/v1/core/block_pool.py, kv_cache_manager.py): a computed full prompt block is cached under
 * its chained hash (prompt-blocks.ts); a later request whose leading block hashes are cached
 * references those blocks instead of computing them; a block nobody references stays cached in a
 * free queue and is evicted least recently freed first when an allocation needs the space (a
 * request's blocks are freed tail first, so a shared prefix outlives its tails).
 *
 * The engine owns the block count: an entry here is one physical block, in use while referenced,
 * counted among the engine's free blocks once free. Simplifications: a block computed twice at
 * once (two requests with the same new prefix) is cached once, the later copy goes back clean;
 * only prompt blocks are cached (generated tokens differ from any recorded answer anyway); a
 * preempted request's blocks leave this cache and are kept by preempted-prefixes.ts instead.
 */
export class PrefixCache {
  /** Cached block hash → requests referencing it (0: free but cached). */
  private readonly refs = new Map<number, number>()
  /** Free cached blocks, least recently freed first (Set keeps insertion order). */
  private readonly free = new Set<number>()

  /** Cached blocks nobody references (part of the engine's free blocks, evictable). */
  get freeCached(): number {
    return this.free.size
  }

  /** Blocks cached in all (in use or free). */
  get size(): number {
    return this.refs.size
  }

  /** How many leading blocks of `hashes` are cached now. */
  match(hashes: readonly number[]): number {
    let n = 0
    while (n < hashes.length && this.refs.has(hashes[n]!)) n++
    return n
  }

  /** How many of the cached blocks `hashes[0..n)` are free now (taking them uses free blocks). */
  freeAmong(hashes: readonly number[], n: number): number {
    let free = 0
    for (let i = 0; i < n; i++) if (this.free.has(hashes[i]!)) free++
    return free
  }

  /** References the cached blocks `hashes[0..n)`; returns how many of them left the free queue. */
  acquire(hashes: readonly number[], n: number): number {
    let fromFree = 0
    for (let i = 0; i < n; i++) fromFree += this.ref(hashes[i]!)
    return fromFree
  }

  /**
   * A request computed a full block with this hash. Returns 'new' when its block becomes the
   * cached copy, or 'shared' when the hash was cached already: the request references the cached
   * copy instead (its own block goes back clean); `fromFree` says whether that copy was free.
   */
  register(hash: number): { kind: 'new' } | { kind: 'shared'; fromFree: number } {
    if (!this.refs.has(hash)) {
      this.refs.set(hash, 1)
      return { kind: 'new' }
    }
    return { kind: 'shared', fromFree: this.ref(hash) }
  }

  /** Drops references (tail first); returns how many blocks became free (still cached). */
  release(hashes: readonly number[]): number {
    let freed = 0
    for (let i = hashes.length - 1; i >= 0; i--) {
      const h = hashes[i]!
      const r = (this.refs.get(h) ?? 1) - 1
      this.refs.set(h, r)
      if (r === 0) {
        this.free.add(h)
        freed++
      }
    }
    return freed
  }

  /** Drops references and uncaches blocks nobody else uses; returns how many blocks that frees. */
  forget(hashes: readonly number[]): number {
    let freed = 0
    for (const h of hashes) {
      const r = (this.refs.get(h) ?? 1) - 1
      if (r > 0) this.refs.set(h, r)
      else {
        this.refs.delete(h)
        freed++
      }
    }
    return freed
  }

  /** Evicts up to `count` free cached blocks, least recently freed first; returns the count. */
  evict(count: number): number {
    let evicted = 0
    for (const h of this.free) {
      if (evicted >= count) break
      this.free.delete(h)
      this.refs.delete(h)
      evicted++
    }
    return evicted
  }

  private ref(hash: number): number {
    const r = this.refs.get(hash) ?? 0
    this.refs.set(hash, r + 1)
    if (r === 0 && this.free.delete(hash)) return 1
    return 0
  }
}
