/**
 * Prompt sources from datasets users already have (docs/datasets.md): ShareGPT JSON, multi-turn
 * conversations (OpenAI chat JSONL) and Mooncake traces. Request `index` takes dataset entry
 * `index mod n` (warm-ups first), so a workload may ask for more requests than the file holds.
 */
import type { ConversationPromptSpec, PromptSpec, ShareGptPromptSpec, TracePromptSpec } from '../../contracts/workload.js'
import type { PreparePromptsOptions, PromptSource } from '../prompt-source.js'
import { estimateTokens } from '../../text/tokens.js'
import { loadConversations } from './conversations.js'
import { loadMooncakeTrace, MOONCAKE_BLOCK_TOKENS, tracePrompt } from './mooncake.js'
import { loadShareGpt } from './sharegpt.js'

export type DatasetPromptSpec = ShareGptPromptSpec | ConversationPromptSpec | TracePromptSpec

export function isDatasetPrompt(spec: PromptSpec): spec is DatasetPromptSpec {
  return 'sharegpt' in spec || 'conversations' in spec || 'mooncakeTrace' in spec
}

/** The prompt source of a dataset prompt spec (reads and checks the file once). */
export async function prepareDataset(spec: DatasetPromptSpec, options: PreparePromptsOptions): Promise<PromptSource> {
  const seed = options.seed ?? 0
  if ('sharegpt' in spec) {
    const samples = await loadShareGpt(spec, options.total, seed, options.baseDir)
    const answerLength = spec.answerLengthAsMaxTokens ?? true
    return {
      text: (i) => samples[i % samples.length]!.prompt,
      estimatedTokens: (i) => samples[i % samples.length]!.promptTokens,
      request: (i) => (answerLength ? { maxTokens: samples[i % samples.length]!.answerTokens } : undefined),
    }
  }
  if ('conversations' in spec) {
    const { turns } = await loadConversations(spec, options.baseDir)
    const answerLength = spec.answerLengthAsMaxTokens ?? true
    const at = (i: number) => turns[i % turns.length]!
    return {
      text: (i) => at(i).messages.at(-1)!.content,
      // Content plus ChatML's ≈ 5 tokens a message and 3 for the generation prompt.
      estimatedTokens: (i) => at(i).messages.reduce((sum, m) => sum + 5 + estimateTokens(m.content), 3),
      request: (i) => {
        const t = at(i)
        return { messages: t.messages, ...(answerLength && t.answerTokens !== undefined && t.answerTokens > 0 ? { maxTokens: t.answerTokens } : {}) }
      },
      turnOf: (i) => at(i).turn,
    }
  }
  const { requests, offsetsMs } = await loadMooncakeTrace(spec, options.baseDir)
  const blockTokens = spec.blockTokens ?? MOONCAKE_BLOCK_TOKENS
  const blocks = new Map<number, string[]>()
  const n = requests.length
  // One pass of the trace lasts its span plus one mean gap, so a replayed cycle keeps the spacing.
  const cycleMs = n > 1 ? (offsetsMs[n - 1]! * n) / (n - 1) : 1000
  const absoluteMs = (i: number): number => Math.floor(i / n) * cycleMs + offsetsMs[i % n]!
  return {
    text: (i) => tracePrompt(requests[i % n]!, blockTokens, seed, blocks),
    estimatedTokens: (i) => requests[i % n]!.inputLength,
    request: (i) => ({ maxTokens: requests[i % n]!.outputLength, exactLength: true }),
    arrivalOffsetsMs: (from, count) => Array.from({ length: count }, (_, k) => absoluteMs(from + k) - absoluteMs(from)),
  }
}
