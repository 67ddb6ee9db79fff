/**
 * ShareGPT-format JSON (ShareGPT_V3_unfiltered_cleaned_split.json: `[{ id, conversations:
 * [{ from: 'human' | 'gpt', value }] }]`), sampled as vLLM's ShareGPTDataset does
 * (vllm/benchmarks/datasets.py): conversations with fewer than two turns are dropped, the rest
 * shuffled with the seed; the first turn is the prompt, the second the answer, whose token length
 * is the request's max_tokens; `is_valid_sequence` skips pairs whose prompt or answer is under
 * 4 tokens, whose prompt is over 1024, or whose sum is over 2048. vLLM counts with the model's
 * tokenizer; here lengths are the estimate of src/text/tokens.ts (the same the simulator uses).
 */
import { MlnodeBenchError } from '../../errors.js'
import type { ShareGptPromptSpec } from '../../contracts/workload.js'
import { estimateTokens } from '../../text/tokens.js'
import { createRng } from '../random.js'
import { badRecord, readDatasetFile, shuffledOrder } from './read.js'

const KIND = 'ShareGPT'

/** One usable prompt and its recorded answer's length. */
export interface ShareGptSample {
  id: string
  prompt: string
  promptTokens: number
  answerTokens: number
}

/** Parses a ShareGPT file's text; throws naming the record and field of the first bad one. */
export function parseShareGpt(path: string, text: string): Array<{ id: string; turns: string[] }> {
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (error) {
    throw new MlnodeBenchError('MLNB_CONFIG', `${KIND} file ${path}: not JSON (${(error as Error).message})`, { details: { file: path } })
  }
  if (!Array.isArray(data)) throw new MlnodeBenchError('MLNB_CONFIG', `${KIND} file ${path}: must be a JSON array of { id, conversations }`, { details: { file: path } })
  return data.map((record, i) => {
    const where = `record ${i}`
    if (typeof record !== 'object' || record === null) throw badRecord(KIND, path, where, '(record)', 'must be an object', record)
    const { id, conversations } = record as { id?: unknown; conversations?: unknown }
    if (!Array.isArray(conversations)) throw badRecord(KIND, path, where, 'conversations', 'must be an array of { from, value }', conversations)
    const turns = conversations.map((turn, k) => {
      const value = (turn as { value?: unknown } | null)?.value
      if (typeof value !== 'string') throw badRecord(KIND, path, where, `conversations[${k}].value`, 'must be a string', value)
      return value
    })
    return { id: typeof id === 'string' || typeof id === 'number' ? String(id) : String(i), turns }
  })
}

/** vLLM's `is_valid_sequence` with the spec's bounds. */
function valid(promptTokens: number, answerTokens: number, spec: ShareGptPromptSpec): boolean {
  const min = spec.minTokens ?? 4
  return promptTokens >= min && answerTokens >= min && promptTokens <= (spec.maxPromptTokens ?? 1024) && promptTokens + answerTokens <= (spec.maxTotalTokens ?? 2048)
}

/** `count` samples in seeded order (vLLM oversamples by repeating when the file has too few). */
export async function loadShareGpt(spec: ShareGptPromptSpec, count: number, seed: number, baseDir?: string): Promise<ShareGptSample[]> {
  const { path, text } = await readDatasetFile(KIND, spec.sharegpt, baseDir)
  const records = parseShareGpt(path, text).filter((r) => r.turns.length >= 2)
  const order = shuffledOrder(records.length, createRng('sharegpt', seed))
  const samples: ShareGptSample[] = []
  for (const i of order) {
    if (samples.length >= count) break
    const r = records[i]!
    const promptTokens = estimateTokens(r.turns[0]!)
    const answerTokens = estimateTokens(r.turns[1]!)
    if (valid(promptTokens, answerTokens, spec)) samples.push({ id: r.id, prompt: r.turns[0]!, promptTokens, answerTokens })
  }
  if (samples.length === 0) throw new MlnodeBenchError('MLNB_CONFIG', `${KIND} file ${path}: no conversation passes the length filter (min ${spec.minTokens ?? 4}, prompt ≤ ${spec.maxPromptTokens ?? 1024}, total ≤ ${spec.maxTotalTokens ?? 2048} tokens)`, { details: { file: path } })
  const base = samples.length
  for (let k = 0; samples.length < count; k++) samples.push(samples[k % base]!)
  return samples
}
