/**
 * The network's inference validation, ported line for line from gonka-ai/gonka
 * decentralized-api/internal/validation/inference_validation.go (`CompareLogits`,
 * `customSimilarity`, `customDistance`, `positionDistance`, `SimilarityPassesThreshold`).
 * The Go code's NaN/Inf guards are kept: a non-finite distance scores 0, a NaN term is skipped.
 * Do not "improve" this file: its value is that it scores exactly as validators do
 * (docs/validation-check.md §1).
 */

/** One entry of `top_logprobs` (completionapi.TopLogprobs). */
export interface TopLogprob {
  token: string
  logprob: number
}

/** One generated position (completionapi.Logprob): the token and its top_logprobs. */
export interface PositionLogprobs {
  token: string
  logprob: number
  top_logprobs: TopLogprob[]
}

/** The Go result types: DifferentLengthValidationResult, DifferentTokensValidationResult, SimilarityValidationResult. */
export type CompareOutcome =
  | { kind: 'different-length'; originalLength: number; validationLength: number }
  | { kind: 'different-tokens'; position: number; originalToken: string; validationToken: string }
  | { kind: 'similarity'; value: number }

/** inference_validation.go `LegacySimilarityThreshold`: the pass bar when no per-model threshold is known. */
export const LEGACY_SIMILARITY_THRESHOLD = 0.99

/**
 * inference_validation.go `SimilarityPassesThreshold`: strictly greater, as the chain also judges
 * (inference-chain/x/inference/keeper/msg_server_validation.go: `passed := msg.Value > passValue`).
 */
export function similarityPassesThreshold(similarity: number, threshold: number): boolean {
  return similarity > threshold
}

/**
 * `CompareLogits(original, validation)`: a validation shorter than the original fails, a
 * position whose generated token differs fails, otherwise the similarity. Longer validation
 * answers are compared on the original's positions only (as in Go).
 */
export function compareLogits(original: readonly PositionLogprobs[], validation: readonly PositionLogprobs[]): CompareOutcome {
  if (validation.length < original.length) return { kind: 'different-length', originalLength: original.length, validationLength: validation.length }
  for (let i = 0; i < original.length; i++) {
    if (original[i]!.token !== validation[i]!.token) return { kind: 'different-tokens', position: i, originalToken: original[i]!.token, validationToken: validation[i]!.token }
  }
  return { kind: 'similarity', value: customSimilarity(original, validation) }
}

/** The value a validator reports for an outcome (`ToMsgValidation`: 0 for different length or tokens). */
export function reportedValue(outcome: CompareOutcome): number {
  return outcome.kind === 'similarity' ? outcome.value : 0
}

/** `customSimilarity`: 1 − distance, 0 when the distance errs, is not finite, or exceeds 1. */
export function customSimilarity(original: readonly PositionLogprobs[], validation: readonly PositionLogprobs[]): number {
  let distance: number
  try {
    distance = customDistance(original, validation)
  } catch {
    return 0
  }
  if (!Number.isFinite(distance)) return 0
  const similarity = 1 - distance
  return similarity < 0 ? 0 : similarity
}

/**
 * `customDistance`: Σ positionDistance / (max(100, n) · k), k the width of the original's first
 * position's top_logprobs (ignored when 0). An empty original is distance 0.
 * @throws Error when a position has no top_logprobs (Go: "empty logprobs provided").
 */
export function customDistance(original: readonly PositionLogprobs[], validation: readonly PositionLogprobs[]): number {
  if (original.length === 0) return 0
  let distance = 0
  for (let i = 0; i < original.length; i++) distance += positionDistance(original[i]!.top_logprobs, validation[i]!.top_logprobs)
  let total = Math.max(100, original.length)
  const width = original[0]!.top_logprobs.length
  if (width > 0) total *= width
  return distance / total
}

/**
 * `positionDistance`: for each validation top token, |v − o| / (1e-6 + |v| + |o|) / 2, where o is
 * the original's logprob of that token or, when the original did not list it, an extrapolation
 * one step below its two lowest logprobs (min1 − (min2 − min1); min2 = min1 − 100 with a single
 * entry). Duplicate original tokens collapse (last one wins, as a Go map assignment).
 * @throws Error when either side is empty.
 */
export function positionDistance(original: readonly TopLogprob[], validation: readonly TopLogprob[]): number {
  if (original.length === 0 || validation.length === 0) throw new Error('empty logprobs provided')
  const originalMap = new Map<string, number>()
  for (const o of original) originalMap.set(o.token, o.logprob)
  const sorted = [...originalMap.values()].sort((a, b) => a - b)
  let min1 = 0
  let min2 = 0
  if (sorted.length >= 2) {
    min1 = sorted[0]!
    min2 = sorted[1]!
  } else if (sorted.length === 1) {
    min1 = sorted[0]!
    min2 = min1 - 100.0
  }
  // "Estimate the next logprob value (2 as fine)"
  const next = min1 - (min2 - min1)
  let distance = 0
  for (const v of validation) {
    const o = originalMap.has(v.token) ? originalMap.get(v.token)! : next
    const denom = 1e-6 + Math.abs(v.logprob) + Math.abs(o)
    if (Number.isNaN(denom) || denom === 0) continue
    const term = Math.abs(v.logprob - o) / denom / 2.0
    if (!Number.isNaN(term)) distance += term
  }
  return distance
}
