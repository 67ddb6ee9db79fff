/** A variant's probe verdicts summed up: min / median similarity, share below threshold, first difference. */
import type { ValidationFigures } from '../contracts/results.js'
import { similarityPassesThreshold } from './compare-logits.js'

/** How one probe was judged. */
export interface ProbeVerdict {
  probe: string
  /** The network's value for the probe (0 for different tokens or a shorter answer); undefined when not comparable. */
  similarity?: number
  /** 'different-length' / 'different-tokens' in the enforced mode; 'diverged-at-0' in the exact mode. */
  note?: string
  /** First position where the two answers' own choices differ. */
  difference?: TokenDifference
}

export type TokenDifference = NonNullable<ValidationFigures['firstDifference']>

/** The result-contract part (src/contracts/results.ts `ValidationFigures`). */
export type ValidationSummaryFigures = Pick<ValidationFigures, 'probes' | 'compared' | 'minSimilarity' | 'medianSimilarity' | 'belowThresholdShare' | 'passed' | 'firstDifference' | 'worstProbe'>

export function summarize(verdicts: readonly ProbeVerdict[], threshold: number): ValidationSummaryFigures {
  const scored = verdicts.filter((v) => v.similarity !== undefined)
  const values = scored.map((v) => v.similarity!).sort((a, b) => a - b)
  const median = values.length === 0 ? 0 : values.length % 2 ? values[(values.length - 1) / 2]! : (values[values.length / 2 - 1]! + values[values.length / 2]!) / 2
  const below = values.filter((v) => !similarityPassesThreshold(v, threshold)).length
  const worst = scored.reduce<ProbeVerdict | undefined>((w, v) => (w === undefined || v.similarity! < w.similarity! ? v : w), undefined)
  const firstDifference = verdicts.find((v) => v.difference)?.difference
  return {
    probes: verdicts.length,
    compared: values.length,
    minSimilarity: values[0] ?? 0,
    medianSimilarity: median,
    belowThresholdShare: values.length === 0 ? 1 : below / values.length,
    passed: values.length > 0 && below === 0,
    ...(firstDifference ? { firstDifference } : {}),
    ...(worst ? { worstProbe: worst.probe } : {}),
  }
}
