/**
 * The request fields of the logprobs path of the simulated vLLM (chat completions): `logprobs`,
 * `top_logprobs`, `logprobs_mode`, `temperature`/`top_p`/`top_k`, `seed`, `return_token_ids`
 * and the MLNode vLLM fork's `enforced_tokens` ({tokens: [{token, top_tokens}]}, token ids as
 * decimal strings: gonka-ai/gonka decentralized-api completionapi `EnforcedTokens`), and the
 * response parts they add. A request with neither `logprobs` nor `enforced_tokens` never takes
 * this path (its tokens and timing stay those of src/sim/text.ts).
 */
import type { GeneratedPosition, LogprobsMode, Sampling } from './logits.js'

/** vLLM's default `--max-logprobs`. */
const MAX_LOGPROBS = 20

export interface LogprobsFields {
  logprobs: boolean
  topLogprobs: number
  mode: LogprobsMode
  sampling: Sampling
  seed: number | undefined
  returnTokenIds: boolean
  enforced?: number[]
}

/** Reads the fields; undefined when the request takes the plain path; a string is a 400 message. */
export function parseLogprobsFields(body: Record<string, unknown>): LogprobsFields | undefined | { error: string; param: string } {
  const logprobs = body.logprobs === true
  const top = body.top_logprobs ?? 0
  if (typeof top === 'number' && top > 0 && !logprobs) return { error: 'when using `top_logprobs`, `logprobs` must be set to true.', param: 'top_logprobs' }
  if (!logprobs && body.enforced_tokens === undefined) return undefined
  if (!(Number.isInteger(top) && (top as number) >= 0)) return { error: `top_logprobs must be a non-negative integer, got ${JSON.stringify(top)}`, param: 'top_logprobs' }
  if ((top as number) > MAX_LOGPROBS) return { error: `Requested top logprobs of ${String(top)}, which is greater than max allowed: ${MAX_LOGPROBS}`, param: 'top_logprobs' }
  const mode = body.logprobs_mode ?? 'processed_logprobs'
  if (mode !== 'processed_logprobs' && mode !== 'raw_logprobs') return { error: `logprobs_mode ${JSON.stringify(mode)}: the simulator serves processed_logprobs and raw_logprobs`, param: 'logprobs_mode' }
  const num = (v: unknown, fallback: number) => (typeof v === 'number' && Number.isFinite(v) ? v : fallback)
  const sampling: Sampling = { temperature: num(body.temperature, 1), topP: num(body.top_p, 1), topK: Number.isInteger(body.top_k) ? (body.top_k as number) : -1 }
  if (sampling.temperature < 0 || sampling.topP <= 0 || sampling.topP > 1) return { error: 'temperature must be >= 0 and top_p in (0, 1]', param: 'temperature' }
  const seed = Number.isInteger(body.seed) ? (body.seed as number) : undefined
  const fields: LogprobsFields = { logprobs, topLogprobs: top as number, mode, sampling, seed, returnTokenIds: body.return_token_ids === true }
  if (body.enforced_tokens !== undefined) {
    const enforced = enforcedIds(body.enforced_tokens)
    if (typeof enforced === 'string') return { error: enforced, param: 'enforced_tokens' }
    fields.enforced = enforced
  }
  return fields
}

function enforcedIds(value: unknown): number[] | string {
  const tokens = typeof value === 'object' && value !== null ? (value as { tokens?: unknown }).tokens : undefined
  if (!Array.isArray(tokens) || tokens.length === 0) return 'enforced_tokens must be {"tokens": [{"token": "<id>", "top_tokens": [...]}, ...]} with at least one token'
  const ids: number[] = []
  for (const [i, t] of tokens.entries()) {
    const text = typeof t === 'object' && t !== null ? (t as { token?: unknown }).token : undefined
    if (typeof text !== 'string' || !/^\d+$/.test(text)) return `enforced_tokens.tokens[${i}].token must be a token id as a decimal string, got ${JSON.stringify(text)}`
    ids.push(Number(text))
  }
  return ids
}

/** One position as vLLM's chat `logprobs.content` entry (token ids as strings, as the MLNode fork returns them). */
export function logprobEntry(p: GeneratedPosition): object {
  return { token: String(p.token), logprob: p.logprob, bytes: null, top_logprobs: p.top.map((t) => ({ token: String(t.token), logprob: t.logprob, bytes: null })) }
}
