/**
 * Prompts for a workload, deterministic from (seed, workload name, salt).
 *
 * Token-targeted prompts (`{ tokens }`): words drawn from COMMON_WORDS, each a single BPE token
 * with its leading space in the Llama-3, Qwen2/3 and GPT-4 vocabularies, so N words ≈ N tokens.
 * A unique prefix "<index> " starts every prompt (digits cost one token each in Qwen/Llama-3) and
 * is counted against the budget, so requests never share a cached prefix unless
 * `sharedPrefixTokens` asks for one (then the shared words come first, the index after them).
 * The chat template adds its own ~10 tokens on top. Estimated tokens = the requested count.
 *
 * compressa-style prompts (`{ chars, count }`): compressa-perf's generator (cli/tools.py
 * `generate_prompts_list`): "<i> <stamp> " then random lowercase "words" of 1–20 letters until
 * `chars` characters, truncated to exactly `chars`. Random letters tokenise at ≈ 2 chars/token
 * (docs/metrics.md "compressa-perf prompts"), which is the estimate used. compressa puts a wall-clock timestamp where we put a
 * stamp hashed from (seed, workload, salt): deterministic, and distinct per workload so one
 * experiment does not warm the prefix cache for the next. Requests pick prompts at random with
 * replacement, as compressa-perf does.
 *
 * File prompts: `.csv` column 0 of every row (no header, like compressa's `pd.read_csv(header=None)`)
 * or `.jsonl` with a string `"prompt"` per line; estimate ≈ 4 chars/token (English text).
 */
import { COMMON_WORDS } from '../text/tokens.js'
import { readTextFile } from '../text/read-text-file.js'
import { extname } from 'node:path'
import { MlnodeBenchError } from '../errors.js'
import { createRng, hashSeed, randomInt, type Rng } from './random.js'
import type { PromptSpec } from '../contracts/workload.js'
import { isDatasetPrompt, prepareDataset } from './datasets/index.js'
import type { PreparePromptsOptions, PromptSource } from './prompt-source.js'

export type { DatasetRequest, PreparePromptsOptions, PromptSource } from './prompt-source.js'

const LOWERCASE = 'abcdefghijklmnopqrstuvwxyz'
/** compressa-perf's generated text: ≈ 2 characters per token (docs/metrics.md "compressa-perf prompts"). */
export const CHARS_PER_TOKEN_RANDOM_LETTERS = 2
/** Ordinary English text: ≈ 4 characters per token. */
export const CHARS_PER_TOKEN_ENGLISH = 4

function words(rng: Rng, count: number): string {
  const out = new Array<string>(count)
  for (let i = 0; i < count; i++) out[i] = COMMON_WORDS[Math.floor(rng() * COMMON_WORDS.length)] as string
  return out.join(' ')
}

/** A prompt of ≈ `tokens` tokens, unique to `index` (see module comment). */
export function tokenPrompt(tokens: number, index: number, seed: number, name: string, salt: string, sharedPrefixTokens = 0): string {
  const unique = `${salt}${index} `
  const uniqueTokens = String(index).length + (salt === '' ? 0 : Math.ceil(salt.length / CHARS_PER_TOKEN_ENGLISH)) + 1
  const shared = Math.min(sharedPrefixTokens, tokens)
  const rest = Math.max(1, tokens - shared - uniqueTokens)
  const prefix = shared > 0 ? words(createRng('shared', seed, name), shared) + ' ' : ''
  return prefix + unique + words(createRng('prompt', seed, name, salt, index), rest)
}

/** compressa-perf-style prompt number `index` of exactly `chars` characters. */
export function charPrompt(chars: number, index: number, seed: number, name: string, salt: string): string {
  const rng = createRng('chars', seed, name, salt, index)
  const parts = [String(index), hashSeed('stamp', seed, name, salt).toString(36)]
  let length = parts[0]!.length + 1 + parts[1]!.length
  while (length < chars) {
    const wordLength = randomInt(rng, 1, 20)
    let word = ''
    for (let i = 0; i < wordLength; i++) word += LOWERCASE[Math.floor(rng() * 26)]
    parts.push(word)
    length += wordLength + 1
  }
  return parts.join(' ').slice(0, chars)
}

/** Builds the prompt source of a workload (reads the file once for file prompts). */
export async function preparePrompts(spec: PromptSpec, options: PreparePromptsOptions): Promise<PromptSource> {
  const seed = options.seed ?? 0
  const name = options.name ?? ''
  const salt = options.salt ?? ''
  if (isDatasetPrompt(spec)) return prepareDataset(spec, options)
  if ('tokens' in spec) {
    const count = spec.count ?? options.total
    const cache = new Map<number, string>()
    return {
      text(index) {
        const k = index % count
        let text = cache.get(k)
        if (text === undefined) {
          text = tokenPrompt(spec.tokens, k, seed, name, salt, spec.sharedPrefixTokens ?? 0)
          if (spec.count !== undefined) cache.set(k, text)
        }
        return text
      },
      estimatedTokens: () => spec.tokens,
    }
  }
  if ('chars' in spec) {
    const prompts = Array.from({ length: spec.count }, (_, i) => charPrompt(spec.chars, i, seed, name, salt))
    const pick = randomPicks(options.total, prompts.length, seed, name)
    return {
      text: (index) => prompts[pick[index] ?? 0] as string,
      estimatedTokens: () => Math.ceil(spec.chars / CHARS_PER_TOKEN_RANDOM_LETTERS),
    }
  }
  const prompts = await readPromptFile(spec.file, options.baseDir)
  const limited = spec.maxChars === undefined ? prompts : prompts.map((p) => p.slice(0, spec.maxChars))
  const pick = spec.pick === 'random' ? randomPicks(options.total, limited.length, seed, name) : undefined
  const at = (index: number): string => limited[pick === undefined ? index % limited.length : (pick[index] ?? 0)] as string
  return { text: at, estimatedTokens: (index) => Math.ceil(at(index).length / CHARS_PER_TOKEN_ENGLISH) }
}

function randomPicks(total: number, count: number, seed: number, name: string): number[] {
  const rng = createRng('pick', seed, name)
  return Array.from({ length: total }, () => Math.floor(rng() * count))
}

/** Prompts of a `.csv` (column 0 of every row) or `.jsonl` (`"prompt"` of every line) file. */
export async function readPromptFile(file: string, baseDir = process.cwd()): Promise<string[]> {
  const path = file.startsWith('/') ? file : `${baseDir}/${file}`
  const text = await readTextFile(path, { what: 'prompts file' })
  const ext = extname(path).toLowerCase()
  let prompts: string[]
  if (ext === '.jsonl' || ext === '.ndjson') {
    prompts = []
    const lines = text.split(/\r?\n/)
    lines.forEach((line, i) => {
      if (line.trim() === '') return
      let value: unknown
      try {
        value = (JSON.parse(line) as { prompt?: unknown }).prompt
      } catch (error) {
        throw new MlnodeBenchError('MLNB_CONFIG', `Prompts file ${path} line ${i + 1}: not JSON (${(error as Error).message})`, { details: { file: path, line: i + 1 } })
      }
      if (typeof value !== 'string')
        throw new MlnodeBenchError('MLNB_CONFIG', `Prompts file ${path} line ${i + 1}: no string "prompt" field`, { details: { file: path, line: i + 1 } })
      prompts.push(value)
    })
  } else if (ext === '.csv') {
    prompts = csvFirstColumn(text).filter((p) => p !== '')
  } else {
    throw new MlnodeBenchError('MLNB_CONFIG', `Prompts file ${path}: unsupported extension "${ext}" (use .csv or .jsonl)`, { details: { file: path } })
  }
  if (prompts.length === 0) throw new MlnodeBenchError('MLNB_CONFIG', `Prompts file ${path} holds no prompts`, { details: { file: path } })
  return prompts
}

/** Column 0 of each CSV record (RFC 4180 quoting: "" escapes, newlines inside quotes). */
export function csvFirstColumn(text: string): string[] {
  const out: string[] = []
  let i = 0
  const n = text.length
  while (i < n) {
    let field = ''
    if (text[i] === '"') {
      i++
      for (;;) {
        if (i >= n) break
        const ch = text[i]
        if (ch === '"') {
          if (text[i + 1] === '"') {
            field += '"'
            i += 2
            continue
          }
          i++
          break
        }
        field += ch
        i++
      }
    }
    // Rest of the first field (unquoted), then skip the rest of the record.
    while (i < n && text[i] !== ',' && text[i] !== '\n' && text[i] !== '\r') field += text[i++]
    let inQuotes = false
    while (i < n) {
      const ch = text[i]
      if (ch === '"') inQuotes = !inQuotes
      else if (!inQuotes && (ch === '\n' || ch === '\r')) break
      i++
    }
    if (text[i] === '\r') i++
    if (text[i] === '\n') i++
    out.push(field)
  }
  return out
}
