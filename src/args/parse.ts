/**
 * vLLM server args as data: tokens → canonical map (`parseVllmArgs`) → the two-token form
 * older MLNode needs (`toMlnodeArgs`). Semantics follow vLLM's FlexibleArgumentParser
 * (docs/vllm-server-args.md "Parsing rules"): last occurrence wins, `append` options accumulate, dotted JSON
 * keys fold into their parent, `--config` is rejected.
 */
import { MlnodeBenchError, redact } from '../errors.js'
import { OPTIONS, type OptionKind } from './options.js'
import { looksLikeOption, resolveOptionToken } from './resolve.js'

/** A parsed value: the text given, or true/false for boolean flags. */
export type ArgValue = string | boolean

/** vLLM args after parsing. Keys are canonical long names without dashes (`kv-cache-dtype`). */
export interface ParsedArgs {
  /** Final value per key (last occurrence wins; `append` options joined by a space). */
  readonly values: ReadonlyMap<string, ArgValue>
  /** Keys in order of first appearance. */
  readonly order: readonly string[]
}

export interface ParseVllmArgsOptions {
  /** Where the tokens come from (file, "variant tp4-pp2"…), named in error messages. */
  source?: string
}

/** One option occurrence as written, for messages that quote the user's own spelling. */
export interface ArgOccurrence {
  key: string
  value: ArgValue
  /** Index of the option token in the input. */
  index: number
  /** The tokens of this occurrence joined by a space (`--kv_cache_dtype auto`). */
  spelling: string
  /** Dotted sub-key (`method` for `--speculative-config.method`). */
  dotted?: string
}

/** A token the parser could not accept. */
export interface ArgIssue {
  index: number
  token: string
  reason: string
  /** Canonical names an ambiguous prefix could mean. */
  candidates?: readonly string[]
}

export interface ScannedArgs {
  parsed: ParsedArgs
  occurrences: ArgOccurrence[]
  issues: ArgIssue[]
}

const BOOL_TEXT = /^(true|false)$/i

/** Kind of a canonical key; undefined for an option the table does not know. */
export function kindOf(key: string): OptionKind | undefined {
  return OPTIONS.get(key)?.kind
}

/**
 * Parses without throwing: every token it cannot accept becomes an issue and parsing goes on.
 * The guard uses this to report all problems of a variant at once.
 */
export function scanVllmArgs(tokens: readonly string[]): ScannedArgs {
  const occurrences: ArgOccurrence[] = []
  const issues: ArgIssue[] = []
  let i = 0
  const next = (): string | undefined => tokens[i + 1]
  const takesNext = (): boolean => i + 1 < tokens.length && !looksLikeOption(tokens[i + 1]!)
  while (i < tokens.length) {
    const token = tokens[i]!
    const start = i
    const occur = (key: string, value: ArgValue, dotted?: string): void => {
      const spelling = tokens.slice(start, i + 1).join(' ')
      occurrences.push(dotted === undefined ? { key, value, index: start, spelling } : { key, value, index: start, spelling, dotted })
    }
    const fail = (reason: string, candidates?: readonly string[]): void => {
      issues.push(candidates === undefined ? { index: start, token, reason } : { index: start, token, reason, candidates })
    }
    if (!looksLikeOption(token)) {
      fail('a value without an option before it (vLLM has no positional args here)')
      i += 1
      continue
    }
    const hit = resolveOptionToken(token)
    if (!hit.ok) {
      fail(hit.reason, hit.candidates)
      // The values that follow belong to the bad option: do not report each as stray.
      while (takesNext()) i += 1
      i += 1
      continue
    }
    const { name, spec, negated, explicit, dotted } = hit
    const kind = spec?.kind
    if (name === 'config') {
      fail('--config is rejected: vLLM expands the YAML file before argparse, so it could set any arg unseen')
      if (explicit === undefined && takesNext()) i += 1
    } else if (negated) {
      if (explicit !== undefined || dotted !== undefined) fail(`--no-${name} takes no value`)
      else occur(name, false)
    } else if (dotted !== undefined) {
      if (kind !== undefined && kind !== 'json') fail(`--${name} is not a JSON option, so it takes no dotted key`)
      else if (explicit !== undefined) occur(name, explicit, dotted)
      else if (takesNext()) {
        i += 1
        occur(name, tokens[i]!, dotted)
      } else occur(name, true, dotted)
    } else if (kind === 'bool') {
      if (explicit !== undefined) fail(`--${name} is a flag and takes no value (use --${name} or --no-${name})`)
      else occur(name, true)
    } else if (kind === 'optbool') {
      // v0.8.1 `--enable-chunked-prefill` has nargs='?' with true|false; later a plain flag.
      if (explicit !== undefined) {
        if (BOOL_TEXT.test(explicit)) occur(name, explicit.toLowerCase() === 'true')
        else fail(`--${name} takes only true or false`)
      } else if (takesNext()) {
        i += 1
        if (BOOL_TEXT.test(tokens[i]!)) occur(name, tokens[i]!.toLowerCase() === 'true')
        else fail(`--${name} takes only true or false, got '${tokens[i]!}'`)
      } else occur(name, true)
    } else if (kind === 'multi') {
      if (explicit !== undefined) occur(name, explicit)
      else if (!takesNext()) fail(`--${name} expects at least one value`)
      else {
        const first = i + 1
        while (takesNext()) i += 1
        occur(name, tokens.slice(first, i + 1).join(' '))
      }
    } else if (explicit !== undefined) {
      occur(name, explicit)
    } else if (takesNext()) {
      i += 1
      occur(name, tokens[i]!)
    } else if (spec === undefined) {
      // Unknown option with nothing after it: read it as a flag (the guard rejects it anyway).
      occur(name, true)
    } else {
      const after = next()
      fail(after === undefined ? `--${name} expects a value` : `--${name} expects a value, got option '${after}'`)
    }
    i += 1
  }
  return { parsed: fold(occurrences), occurrences, issues }
}

/** Occurrences → final values: last wins, `append` accumulates, dotted keys fold into their parent. */
function fold(occurrences: readonly ArgOccurrence[]): ParsedArgs {
  const values = new Map<string, ArgValue>()
  const order: string[] = []
  const dottedByKey = new Map<string, Record<string, unknown>>()
  for (const { key, value, dotted } of occurrences) {
    if (!order.includes(key)) order.push(key)
    if (dotted !== undefined) {
      const tree = dottedByKey.get(key) ?? {}
      setPath(tree, dotted.split('.'), typeof value === 'string' ? parseJsonOr(value) : value)
      dottedByKey.set(key, tree)
    } else if (kindOf(key) === 'append' && typeof value === 'string' && typeof values.get(key) === 'string') {
      values.set(key, `${values.get(key) as string} ${value}`)
    } else {
      values.set(key, value)
    }
  }
  for (const [key, value] of values) {
    if (kindOf(key) === 'json' && typeof value === 'string') values.set(key, canonicalJsonText(value))
  }
  // vLLM v0.9+ re-appends dotted keys as one JSON value after every other token, so it replaces a
  // whole-JSON value given in any position (docs/vllm-server-args.md "Parsing rules", checked in CPython argparse).
  for (const [key, tree] of dottedByKey) values.set(key, stableStringify(tree))
  return { values, order }
}

function setPath(tree: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = tree
  for (const part of path.slice(0, -1)) {
    const child = node[part]
    if (typeof child !== 'object' || child === null || Array.isArray(child)) node[part] = {}
    node = node[part] as Record<string, unknown>
  }
  node[path[path.length - 1]!] = value
}

function parseJsonOr(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

/** JSON text with sorted keys and no spacing, so equal configs compare equal; non-JSON stays as is. */
export function canonicalJsonText(text: string): string {
  try {
    return stableStringify(JSON.parse(text))
  } catch {
    return text
  }
}

function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`
  if (typeof value === 'object' && value !== null) {
    const entries = Object.keys(value as object)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableStringify((value as Record<string, unknown>)[k])}`)
    return `{${entries.join(',')}}`
  }
  return JSON.stringify(value)
}

/** `-api-key=sk-…`-like tokens: the part after `=` is never echoed. */
const SECRET_TOKEN = /^(-{1,2}[^=]*(?:api[-_]?key|token|secret|password)[^=]*=).+$/i

/** A token as it may appear in a message: secrets after `=` masked, URL credentials redacted. */
export function showToken(token: string): string {
  return redact(token.replace(SECRET_TOKEN, '$1***'))
}

/** Formats one issue: "token #3 '--quant' (source): reason". Values pass through `redact`. */
export function describeIssue(issue: ArgIssue, source: string | undefined): string {
  const where = source === undefined ? '' : ` in ${source}`
  const token = showToken(issue.token)
  return redact(`token #${issue.index + 1} '${token}'${where}: ${issue.reason.split(issue.token).join(token)}`)
}

/**
 * Parses vLLM server args into canonical data.
 * @throws MlnodeBenchError `MLNB_ARGS_PARSE` listing every token it could not accept, with its
 *   position (1-based) and `options.source`.
 */
export function parseVllmArgs(tokens: readonly string[], options: ParseVllmArgsOptions = {}): ParsedArgs {
  const { parsed, issues } = scanVllmArgs(tokens)
  if (issues.length > 0) {
    const lines = issues.map((issue) => describeIssue(issue, options.source))
    const head = `Cannot parse vLLM args${options.source === undefined ? '' : ` of ${options.source}`}`
    throw new MlnodeBenchError('MLNB_ARGS_PARSE', `${head}:\n${lines.join('\n')}`, {
      details: {
        source: options.source,
        issues: issues.map(({ index, token, reason }) => ({ index, token: showToken(token), reason: redact(reason.split(token).join(showToken(token))) })),
      },
    })
  }
  return parsed
}

/**
 * The normalised two-token form older MLNode reads (`"--tensor-parallel-size","4"`): canonical
 * long names, keys in order of first appearance, `true` → bare flag, `false` → `--no-x`,
 * `nargs='+'` values as separate tokens, `append` values each after their own flag.
 */
export function toMlnodeArgs(args: ParsedArgs): string[] {
  const out: string[] = []
  for (const key of args.order) {
    const value = args.values.get(key)
    if (value === undefined) continue
    if (value === true) out.push(`--${key}`)
    else if (value === false) out.push(`--no-${key}`)
    else if (kindOf(key) === 'multi' && value.trim() !== '') out.push(`--${key}`, ...value.split(' ').filter(Boolean))
    else if (kindOf(key) === 'append' && value.trim() !== '') {
      for (const part of value.split(' ').filter(Boolean)) out.push(`--${key}`, part)
    } else out.push(`--${key}`, value)
  }
  return out
}
