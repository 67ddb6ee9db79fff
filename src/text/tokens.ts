/**
 * Token counting shared by the prompt generator (src/load) and the simulator (src/sim), so that a
 * prompt generated to N tokens is also N tokens to the simulated server, as it is to a real one.
 */

/**
 * Common English words that are ONE BPE token each with their leading space in the Llama-3,
 * Qwen2/3 and GPT-4 vocabularies: `{ tokens: N }` prompts are N of them.
 */
// prettier-ignore
export const COMMON_WORDS: readonly string[] = [
  'the', 'of', 'and', 'to', 'in', 'is', 'was', 'for', 'on', 'that', 'with', 'as', 'at', 'by', 'from',
  'his', 'her', 'they', 'we', 'you', 'he', 'she', 'it', 'are', 'be', 'this', 'have', 'not', 'but', 'or',
  'an', 'one', 'all', 'were', 'when', 'there', 'can', 'more', 'if', 'no', 'out', 'so', 'said', 'what',
  'up', 'its', 'about', 'into', 'than', 'them', 'only', 'other', 'new', 'some', 'could', 'time', 'these',
  'two', 'may', 'first', 'then', 'do', 'any', 'like', 'my', 'now', 'over', 'such', 'our', 'man', 'me',
  'even', 'most', 'made', 'after', 'also', 'did', 'many', 'before', 'must', 'through', 'back', 'years',
  'where', 'much', 'your', 'way', 'well', 'down', 'should', 'because', 'each', 'just', 'those', 'people',
  'how', 'too', 'little', 'state', 'good', 'very', 'make', 'world', 'still', 'own', 'see', 'men', 'work',
  'long', 'get', 'here', 'between', 'both', 'life', 'being', 'under', 'never', 'day', 'same', 'another',
  'know', 'while', 'last', 'might', 'us', 'great', 'old', 'year', 'off', 'come', 'since', 'against',
  'go', 'came', 'right', 'used', 'take', 'three', 'house', 'water', 'small', 'found', 'home', 'room',
]

const SINGLE_TOKEN = new Set(COMMON_WORDS)

/**
 * Prompt tokens of `text` as a BPE tokenizer would count them, approximately: a common word (or a
 * run of digits up to 3, as Qwen/Llama-3 split numbers) is one token; anything else counts
 * ≈ 2 UTF-8 bytes per token, compressa-perf's figure for its random-letter "words" (docs/metrics.md "compressa-perf prompts").
 */
export function estimateTokens(text: string): number {
  let tokens = 0
  for (const word of text.split(/\s+/)) if (word !== '') tokens += wordTokens(word)
  return text.length === 0 ? 0 : Math.max(1, tokens)
}

/** Tokens of one whitespace-free word, as estimateTokens counts them (the simulator's prefix blocks use the same split). */
export function wordTokens(word: string): number {
  if (SINGLE_TOKEN.has(word)) return 1
  if (/^\d+$/.test(word)) return Math.ceil(word.length / 3)
  return Math.max(1, Math.ceil(Buffer.byteLength(word, 'utf8') / 2))
}
