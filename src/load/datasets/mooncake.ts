/**
 * Mooncake trace replay (kvcache-ai/Mooncake, FAST25-release/README.md and traces/*.jsonl): JSONL
 * lines `{"timestamp": ms, "input_length": n, "output_length": m, "hash_ids": [..]}`. `hash_ids`
 * are remapped hashes of the prompt's blocks of 512 tokens, chained (equal ids at equal positions
 * mean an equal prefix): the README's sample has 6955 input tokens and 14 ids (⌈6955/512⌉ = 14).
 *
 * A request is sent at its timestamp (relative to the first, × timeScale). Its prompt is
 * synthesised: each hash id stands for `blockTokens` words drawn from a list of one-token words
 * seeded by the id alone, so requests sharing an id at a position share that block of text (and
 * a real server's prefix cache sees the same sharing); the prompt is cut to input_length words.
 * max_tokens = output_length with ignore_eos and min_tokens, so the recorded length holds.
 */
import type { TracePromptSpec } from '../../contracts/workload.js'
import { COMMON_WORDS } from '../../text/tokens.js'
import { createRng } from '../random.js'
import { badRecord, jsonLines, readDatasetFile } from './read.js'

const KIND = 'Mooncake trace'
/** Mooncake's block: 512 tokens per hash id (see the file header). */
export const MOONCAKE_BLOCK_TOKENS = 512

export interface TraceRequest {
  /** Line in the file (1-based). */
  line: number
  timestampMs: number
  inputLength: number
  outputLength: number
  hashIds: number[]
}

/** Parses a trace's text; throws naming the line and field of the first bad record. */
export function parseMooncakeTrace(path: string, text: string): TraceRequest[] {
  return jsonLines(KIND, path, text).map(({ line, value }) => {
    const where = `line ${line}`
    const r = (value ?? {}) as Record<string, unknown>
    const nonNegative = (field: string, min: number): number => {
      const v = r[field]
      if (typeof v !== 'number' || !Number.isFinite(v) || v < min || (field !== 'timestamp' && !Number.isInteger(v))) throw badRecord(KIND, path, where, field, `must be ${field === 'timestamp' ? 'a number' : 'an integer'} ≥ ${min}`, v)
      return v
    }
    const timestampMs = nonNegative('timestamp', 0)
    const inputLength = nonNegative('input_length', 1)
    const outputLength = nonNegative('output_length', 1)
    const hashIds = r.hash_ids
    if (!Array.isArray(hashIds) || !hashIds.every((h) => Number.isInteger(h))) throw badRecord(KIND, path, where, 'hash_ids', 'must be an array of integers', hashIds)
    return { line, timestampMs, inputLength, outputLength, hashIds: hashIds as number[] }
  })
}

/** The words of the block that hash id `id` stands for (deterministic from the id and the seed). */
function blockWords(id: number, blockTokens: number, seed: number): string[] {
  const rng = createRng('mooncake-block', seed, id)
  return Array.from({ length: blockTokens }, () => COMMON_WORDS[Math.floor(rng() * COMMON_WORDS.length)] as string)
}

/** The synthesised prompt of one trace request (input_length one-token words). */
export function tracePrompt(request: TraceRequest, blockTokens: number, seed: number, cache?: Map<number, string[]>): string {
  const words: string[] = []
  for (const id of request.hashIds) {
    if (words.length >= request.inputLength) break
    let block = cache?.get(id)
    if (block === undefined) {
      block = blockWords(id, blockTokens, seed)
      cache?.set(id, block)
    }
    words.push(...block)
  }
  // A trace with fewer ids than its length needs: the rest is unique to this request.
  if (words.length < request.inputLength) words.push(...blockWords(-1 - request.timestampMs * 1000 - words.length, request.inputLength - words.length, seed))
  return words.slice(0, request.inputLength).join(' ')
}

/** The trace's requests in file order, and their offsets from the first timestamp (ms, scaled). */
export async function loadMooncakeTrace(spec: TracePromptSpec, baseDir?: string): Promise<{ path: string; requests: TraceRequest[]; offsetsMs: number[] }> {
  const { path, text } = await readDatasetFile(KIND, spec.mooncakeTrace, baseDir)
  const requests = parseMooncakeTrace(path, text)
  const first = requests[0]!.timestampMs
  const scale = spec.timeScale ?? 1
  const offsetsMs = requests.map((r, i) => {
    if (i > 0 && r.timestampMs < requests[i - 1]!.timestampMs) throw badRecord(KIND, path, `line ${r.line}`, 'timestamp', `must not go back in time (line ${requests[i - 1]!.line} has ${requests[i - 1]!.timestampMs})`, r.timestampMs)
    return (r.timestampMs - first) * scale
  })
  return { path, requests, offsetsMs }
}
