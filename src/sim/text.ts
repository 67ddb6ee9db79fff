/**
 * Token counting and deterministic output text. The simulator has no tokenizer; it counts
 * prompt tokens with a documented heuristic and draws output lengths and words from a seeded RNG.
 */
import { createRng, hashString } from './rng.js'

// Prompt tokens: common words 1 each, other text ≈ 2 bytes per token (src/text/tokens.ts), the
// same count the prompt generator targets, so `{ tokens: N }` prompts cost N tokens here too.
import { estimateTokens } from '../text/tokens.js'
export { estimateTokens }

/**
 * Chat-template overhead, ChatML as Qwen uses it: `<|im_start|>role\n … <|im_end|>\n` adds 5
 * tokens per message, and the generation prompt `<|im_start|>assistant\n` 3 more.
 */
export const CHAT_TOKENS_PER_MESSAGE = 5
/** See CHAT_TOKENS_PER_MESSAGE. */
export const CHAT_GENERATION_PROMPT_TOKENS = 3

/** Prompt tokens of chat messages (content as string or OpenAI content parts with `text`). */
export function chatPromptTokens(messages: ReadonlyArray<{ content?: unknown }>): number {
  let tokens = CHAT_GENERATION_PROMPT_TOKENS
  for (const m of messages) tokens += CHAT_TOKENS_PER_MESSAGE + estimateTokens(contentText(m.content))
  return tokens
}

/** The text of a chat message's content (string, or the `text` of each content part). */
export function contentText(content: unknown): string {
  if (typeof content === 'string') return content
  if (Array.isArray(content)) return content.map((p) => (typeof p === 'object' && p !== null && typeof (p as { text?: unknown }).text === 'string' ? (p as { text: string }).text : '')).join('')
  return ''
}

/** Input of {@link drawOutputTokens}. */
export interface OutputDraw {
  maxTokens: number
  /** Identity of the request's content (prompt text, sampling seed…): same key, same draw. */
  key: string
  seed: number
  ignoreEos: boolean
  /** @default 0 */
  minTokens?: number
  /** Probability that any one generated token is EOS. @default 1/2000 */
  eosPerToken?: number
}

/** Default EOS hazard: a natural answer length averaging 2000 tokens (geometric). */
export const DEFAULT_EOS_PER_TOKEN = 1 / 2000

/**
 * Output length of one request: `maxTokens`, unless a seeded geometric EOS draw ends it earlier
 * (never with `ignoreEos`, never before `minTokens`). Returns the count and the finish reason.
 */
export function drawOutputTokens(draw: OutputDraw): { tokens: number; finishReason: 'length' | 'stop' } {
  const maxTokens = Math.max(1, Math.floor(draw.maxTokens))
  if (draw.ignoreEos) return { tokens: maxTokens, finishReason: 'length' }
  const p = draw.eosPerToken ?? DEFAULT_EOS_PER_TOKEN
  if (!(p > 0)) return { tokens: maxTokens, finishReason: 'length' }
  const u = createRng(hashString(draw.key, draw.seed))()
  // Inverse CDF of the geometric distribution: the 1-based index of the first EOS token.
  const eosAt = p >= 1 ? 1 : Math.floor(Math.log(1 - u) / Math.log(1 - p)) + 1
  const natural = Math.max(eosAt, Math.max(1, draw.minTokens ?? 0))
  return natural < maxTokens ? { tokens: natural, finishReason: 'stop' } : { tokens: maxTokens, finishReason: 'length' }
}

// A fixed vocabulary: every output token is " " + one of these (one token per SSE chunk).
const WORDS = (
  'the of and to in is that for it as was with be by on not he this are or his from at which but have an they ' +
  'you were her she there one all we their can has been if more when will would who so no model token server ' +
  'batch cache layer tensor pipeline stream engine request simulated latency'
).split(' ')

/** Deterministic generator of output words for one request. */
export function createWordStream(key: string, seed: number): () => string {
  const rng = createRng(hashString(key, seed ^ 0x5bd1e995))
  return () => ` ${WORDS[Math.floor(rng() * WORDS.length)]!}`
}

/** The word a simulated token id reads as (the logprobs path, src/sim/logits.ts). */
export function wordForToken(id: number): string {
  return ` ${WORDS[id % WORDS.length]!}`
}
