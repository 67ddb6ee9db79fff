/**
 * Record and check: the one mechanism behind the per-variant validation step and the
 * `validation record|check` commands. Record runs the probes on a deployment and keeps its
 * answers; check replays each recorded answer on another deployment with `enforced_tokens`, as a
 * validator replays an executor's answer, and scores it with the network's CompareLogits
 * (original = the recorded reference, validation = the variant's replay: docs/validation-check.md
 * §3). A server that ignores or rejects `enforced_tokens` (plain vLLM) is detected and the check
 * falls back to exact-token agreement, saying why.
 */
import { compareLogits, reportedValue, type PositionLogprobs } from './compare-logits.js'
import { askProbe, ProbeHttpError, type ProbeEndpoint } from './client.js'
import type { LogprobsModeOption } from './options.js'
import { probeBody, type Probe } from './probes.js'
import type { RecordedProbe } from './reference.js'
import { summarize, type ProbeVerdict, type TokenDifference, type ValidationSummaryFigures } from './summary.js'

export type ValidationMode = 'enforced-tokens' | 'exact-tokens'

export interface CheckOutcome extends ValidationSummaryFigures {
  mode: ValidationMode
  /** Why the check fell back to exact tokens. */
  modeReason?: string
  verdicts: ProbeVerdict[]
}

export interface ProbeRun {
  endpoint: ProbeEndpoint
  /** The model id the server serves. */
  model: string
  mode?: LogprobsModeOption
}

/** Runs every probe freely and keeps the answers. */
export async function recordProbes(run: ProbeRun, probes: readonly Probe[]): Promise<RecordedProbe[]> {
  const out: RecordedProbe[] = []
  for (const probe of probes) {
    const answer = await askProbe(run.endpoint, probeBody(probe, run.model, run.mode)).catch((error: unknown) => {
      throw new Error(`probe ${probe.id}: ${(error as Error).message}`, { cause: error })
    })
    if (answer.length === 0) throw new Error(`probe ${probe.id}: the answer has no tokens`)
    out.push({ probe, answer })
  }
  return out
}

const tokensOf = (answer: readonly PositionLogprobs[]) => answer.map((p) => p.token)

/** Where the variant's own first choice (top-1) departs from the reference's first. */
function topChoiceDifference(probe: string, reference: readonly PositionLogprobs[], variant: readonly PositionLogprobs[]): TokenDifference | undefined {
  for (let i = 0; i < Math.min(reference.length, variant.length); i++) {
    const r = reference[i]!.top_logprobs[0]?.token
    const v = variant[i]!.top_logprobs[0]?.token
    if (r !== undefined && v !== undefined && r !== v) return { probe, position: i, referenceToken: r, variantToken: v }
  }
  return undefined
}

/** Checks a deployment against recorded answers; `threshold` only shapes the summary. */
export async function checkProbes(run: ProbeRun, reference: readonly RecordedProbe[], threshold: number): Promise<CheckOutcome> {
  const verdicts: ProbeVerdict[] = []
  let unsupported: string | undefined
  for (const { probe, answer } of reference) {
    let replay: PositionLogprobs[]
    try {
      replay = await askProbe(run.endpoint, probeBody(probe, run.model, run.mode, answer))
    } catch (error) {
      if (error instanceof ProbeHttpError && (error.status === 400 || error.status === 422) && /enforced/i.test(error.body)) {
        unsupported = `the server rejected enforced_tokens (${error.message.slice(0, 200)})`
        break
      }
      throw new Error(`probe ${probe.id}: ${(error as Error).message}`, { cause: error })
    }
    const mismatch = tokensOf(replay).findIndex((t, i) => t !== answer[i]?.token)
    if (mismatch >= 0 || replay.length < answer.length) {
      // The MLNode fork returns exactly the forced tokens; anything else means they were ignored.
      const at = mismatch >= 0 ? mismatch : replay.length
      unsupported = `the server ignores enforced_tokens: probe ${probe.id} came back with ${JSON.stringify(replay[at]?.token ?? '(end)')} at position ${at} where ${JSON.stringify(answer[at]?.token)} was forced (a plain vLLM, not MLNode's)`
      break
    }
    const outcome = compareLogits(answer, replay)
    const difference = topChoiceDifference(probe.id, answer, replay)
    verdicts.push({ probe: probe.id, similarity: reportedValue(outcome), ...(outcome.kind === 'similarity' ? {} : { note: outcome.kind }), ...(difference ? { difference } : {}) })
  }
  if (unsupported === undefined) return { mode: 'enforced-tokens', verdicts, ...summarize(verdicts, threshold) }
  return exactTokens(run, reference, threshold, unsupported)
}

/**
 * Without enforced tokens: each probe runs freely with the same seed and sampling; the tokens are
 * compared, and CompareLogits scores the positions before the first differing token (the
 * context both answers share). A probe that differs at its first token has nothing to score.
 */
async function exactTokens(run: ProbeRun, reference: readonly RecordedProbe[], threshold: number, reason: string): Promise<CheckOutcome> {
  const verdicts: ProbeVerdict[] = []
  for (const { probe, answer } of reference) {
    const free = await askProbe(run.endpoint, probeBody(probe, run.model, run.mode)).catch((error: unknown) => {
      throw new Error(`probe ${probe.id}: ${(error as Error).message}`, { cause: error })
    })
    let agree = 0
    while (agree < answer.length && agree < free.length && answer[agree]!.token === free[agree]!.token) agree++
    const difference: TokenDifference | undefined =
      agree < answer.length ? { probe: probe.id, position: agree, referenceToken: answer[agree]!.token, variantToken: free[agree]?.token ?? '(end)' } : undefined
    if (agree === 0) {
      verdicts.push({ probe: probe.id, note: 'diverged-at-0', ...(difference ? { difference } : {}) })
      continue
    }
    const similarity = reportedValue(compareLogits(answer.slice(0, agree), free.slice(0, agree)))
    verdicts.push({ probe: probe.id, similarity, ...(difference ? { difference, note: `agreed on ${agree} of ${answer.length} tokens` } : {}) })
  }
  return { mode: 'exact-tokens', modeReason: reason, verdicts, ...summarize(verdicts, threshold) }
}
