/**
 * Block hashes of a prompt, for the simulated prefix cache (prefix-cache.ts). The simulator has no
 * tokenizer, so it cuts the prompt into the same pseudo-tokens its token count uses
 * (src/text/tokens.ts `wordTokens`: a word of k tokens gives k ids derived from the word) and
 * hashes full blocks of `blockSize` ids as a chain, as vLLM V1 does
 * (vllm/v1/core/kv_cache_utils.py `hash_block_tokens(parent_block_hash, block_token_ids)`):
 * two prompts share block i's hash only when they share every token up to the end of block i.
 * Chat prompts get ChatML's per-message and generation-prompt tokens (text.ts), derived from the
 * role, so the chat template is part of the shared prefix as it is on a real server.
 */
import { wordTokens } from '../text/tokens.js'
import { hashString } from './rng.js'
import { CHAT_GENERATION_PROMPT_TOKENS, CHAT_TOKENS_PER_MESSAGE, contentText } from './text.js'

/** Pseudo-token ids of `text` (whitespace-separated words, each worth wordTokens ids). */
function pushTextIds(ids: number[], text: string): void {
  for (const word of text.split(/\s+/)) {
    if (word === '') continue
    const h = hashString(word)
    const n = wordTokens(word)
    for (let j = 0; j < n; j++) ids.push((h + j) >>> 0)
  }
}

/** Pseudo-token ids of chat messages under the ChatML template. */
export function chatTokenIds(messages: ReadonlyArray<{ role?: unknown; content?: unknown }>): number[] {
  const ids: number[] = []
  for (const m of messages) {
    const marker = hashString(`<|im_start|>${String(m.role)}`)
    for (let j = 0; j < CHAT_TOKENS_PER_MESSAGE; j++) ids.push((marker + j) >>> 0)
    pushTextIds(ids, contentText(m.content))
  }
  const generation = hashString('<|im_start|>assistant-generation')
  for (let j = 0; j < CHAT_GENERATION_PROMPT_TOKENS; j++) ids.push((generation + j) >>> 0)
  return ids
}

/** Pseudo-token ids of a completions prompt (text, or token ids as sent). */
export function completionTokenIds(prompt: string | readonly number[]): number[] {
  if (typeof prompt !== 'string') return prompt.map((t) => t >>> 0)
  const ids: number[] = []
  pushTextIds(ids, prompt)
  return ids
}

/**
 * Chained hashes of the full blocks of `ids` (at most `maxBlocks`): two 32-bit FNV-1a streams
 * folded into one safe integer, so collisions stay negligible over millions of blocks.
 */
export function blockHashes(ids: readonly number[], blockSize: number, maxBlocks = Infinity): number[] {
  const out: number[] = []
  let a = 0x811c9dc5
  let b = 0x01000193
  const blocks = Math.min(Math.floor(ids.length / blockSize), maxBlocks)
  for (let k = 0; k < blocks; k++) {
    // hash(parent, block tokens): the running state carries the parent.
    for (let i = k * blockSize; i < (k + 1) * blockSize; i++) {
      const t = ids[i]!
      a = Math.imul(a ^ t, 0x01000193) >>> 0
      b = Math.imul(b ^ ((t * 0x9e3779b1) >>> 0), 0x85ebca6b) >>> 0
      b ^= b >>> 13
    }
    out.push(a * 0x200000 + (b & 0x1fffff))
  }
  return out
}
