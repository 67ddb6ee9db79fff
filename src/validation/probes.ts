/**
 * The probe set and its requests, built as the network builds every inference request before it
 * reaches vLLM (gonka-ai/gonka decentralized-api/completionapi/request.go `ModifyRequestBody`):
 * logprobs on, top_logprobs 5, max_tokens = max_completion_tokens, skip_special_tokens off,
 * return_token_ids on, an explicit seed; and replayed as a validator replays it
 * (internal/validation/inference_validation.go: `enforced_tokens`, stream off).
 */
import type { LogprobsModeOption, ValidationPlan, ValidationSampling } from './options.js'
import type { PositionLogprobs } from './compare-logits.js'

/** completionapi.ForcedTopLogprobs: the width pinned on executed and validation requests. */
export const TOP_LOGPROBS = 5

export interface Probe {
  id: string
  messages: Array<{ role: 'user'; content: string }>
  sampling: ValidationSampling
  seed: number
  maxTokens: number
}

const TOPICS = [
  'how a KV cache speeds up transformer decoding', 'why the sky is blue', 'the rules of chess castling', 'how TCP congestion control works',
  'what tensor parallelism splits across GPUs', 'the causes of the French Revolution', 'how vaccines train the immune system', 'a recipe for bread without yeast',
  'how public-key cryptography works', 'the water cycle', 'what a hash table is', 'how photosynthesis stores energy',
  'the difference between TCP and UDP', 'how a compiler turns code into machine instructions', 'why prime numbers matter in cryptography', 'how a bicycle stays upright',
]
const FORMS = ['Explain %s in one short paragraph.', 'Write three numbered points about %s.']

/** The probes of a plan: prompts cycle topics and phrasings, samplings cycle over the probes. */
export function buildProbes(plan: Pick<ValidationPlan, 'prompts' | 'samplings' | 'maxTokens'>): Probe[] {
  return Array.from({ length: plan.prompts }, (_, i) => ({
    id: `probe-${i}`,
    messages: [{ role: 'user' as const, content: `${FORMS[Math.floor(i / TOPICS.length) % FORMS.length]!.replace('%s', TOPICS[i % TOPICS.length]!)}${i >= TOPICS.length * FORMS.length ? ` (${i})` : ''}` }],
    sampling: normalSampling(plan.samplings[i % plan.samplings.length]!),
    seed: 1000 + i,
    maxTokens: plan.maxTokens,
  }))
}

/** The request body of a probe, as ModifyRequestBody leaves it; with `enforced`, a validator's replay. */
export function probeBody(probe: Probe, model: string, mode: LogprobsModeOption | undefined, enforced?: readonly PositionLogprobs[]): Record<string, unknown> {
  const s = probe.sampling
  return {
    model,
    messages: probe.messages,
    max_tokens: probe.maxTokens,
    max_completion_tokens: probe.maxTokens,
    temperature: s.temperature,
    ...(s.topP === undefined ? {} : { top_p: s.topP }),
    ...(s.topK === undefined ? {} : { top_k: s.topK }),
    seed: probe.seed,
    logprobs: true,
    top_logprobs: TOP_LOGPROBS,
    skip_special_tokens: false,
    return_token_ids: true,
    stream: false,
    ...(mode ? { logprobs_mode: mode } : {}),
    ...(enforced ? { enforced_tokens: { tokens: enforced.map((p) => ({ token: p.token, top_tokens: p.top_logprobs.map((t) => t.token) })) } } : {}),
  }
}

/** One key order, so a recorded probe compares equal to the suite's own. */
function normalSampling(s: ValidationSampling): ValidationSampling {
  return { temperature: s.temperature, ...(s.topP === undefined ? {} : { topP: s.topP }), ...(s.topK === undefined ? {} : { topK: s.topK }) }
}
