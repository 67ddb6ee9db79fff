/**
 * Seeded randomness for prompts and arrivals: deterministic across runs and machines
 * (sfc32 seeded through a string hash), so a workload replays the same prompts and schedule.
 */

/** A uniform generator in [0, 1). */
export type Rng = () => number

/** 32-bit hash (cyrb53's low half) of the parts, used to derive seeds from names. */
export function hashSeed(...parts: ReadonlyArray<string | number>): number {
  const text = parts.join('\u0000')
  let h1 = 0xdeadbeef
  let h2 = 0x41c6ce57
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i)
    h1 = Math.imul(h1 ^ ch, 2654435761)
    h2 = Math.imul(h2 ^ ch, 1597334677)
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909)
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909)
  return (h1 ^ h2) >>> 0
}

/** sfc32 generator seeded from the parts. */
export function createRng(...parts: ReadonlyArray<string | number>): Rng {
  let a = hashSeed('a', ...parts)
  let b = hashSeed('b', ...parts)
  let c = hashSeed('c', ...parts)
  let d = 1
  const next = (): number => {
    a >>>= 0
    b >>>= 0
    c >>>= 0
    d >>>= 0
    let t = (a + b) | 0
    a = b ^ (b >>> 9)
    b = (c + (c << 3)) | 0
    c = (c << 21) | (c >>> 11)
    d = (d + 1) | 0
    t = (t + d) | 0
    c = (c + t) | 0
    return (t >>> 0) / 4294967296
  }
  for (let i = 0; i < 12; i++) next()
  return next
}

/** Integer in [min, max] inclusive. */
export function randomInt(rng: Rng, min: number, max: number): number {
  return min + Math.floor(rng() * (max - min + 1))
}

/** Standard normal (Box–Muller). */
function normal(rng: Rng): number {
  let u = 0
  while (u === 0) u = rng()
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng())
}

/**
 * Gamma(shape, scale) sample, Marsaglia & Tsang (2000); shape < 1 uses the boost
 * Gamma(shape) = Gamma(shape + 1) · U^(1/shape).
 */
export function sampleGamma(rng: Rng, shape: number, scale: number): number {
  if (shape < 1) {
    let u = 0
    while (u === 0) u = rng()
    return sampleGamma(rng, shape + 1, scale) * Math.pow(u, 1 / shape)
  }
  const d = shape - 1 / 3
  const c = 1 / Math.sqrt(9 * d)
  for (;;) {
    let x: number
    let v: number
    do {
      x = normal(rng)
      v = 1 + c * x
    } while (v <= 0)
    v = v * v * v
    const u = rng()
    if (u < 1 - 0.0331 * x * x * x * x) return d * v * scale
    if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v * scale
  }
}
