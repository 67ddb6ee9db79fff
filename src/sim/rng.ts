/**
 * Seeded, dependency-free randomness for the simulator. Everything random in a run (EOS draws,
 * output words, request ids) derives from the simulator seed and the request's own content, so the
 * same seed and requests give the same tokens and timings regardless of arrival interleaving.
 */

/** 32-bit FNV-1a hash of a string (UTF-16 code units), combined with `seed`. */
export function hashString(text: string, seed = 0): number {
  let h = (0x811c9dc5 ^ seed) >>> 0
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i)
    h = Math.imul(h, 0x01000193) >>> 0
  }
  return h >>> 0
}

/** Uniform floats in [0, 1) from a 32-bit seed (mulberry32: small, fast, good enough for draws). */
export function createRng(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Seed of one replica's step-time noise stream (simulator seed × replica index). */
export function stepNoiseSeed(seed: number, replica: number): number {
  return hashString(`step-noise-${replica}`, seed)
}

/**
 * Multiplicative noise factors with mean 1 and coefficient of variation `cv` (log-normal, so a
 * step never takes negative or zero time), from a seeded stream: the same seed, the same factors.
 */
export function createNoiseFactors(cv: number, seed: number): () => number {
  if (!(cv > 0)) return () => 1
  const rng = createRng(seed)
  const sigma = Math.sqrt(Math.log(1 + cv * cv))
  return () => {
    // Box-Muller: one standard normal from two uniforms (1 − u keeps the log finite).
    const z = Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng())
    return Math.exp(sigma * z - (sigma * sigma) / 2)
  }
}
