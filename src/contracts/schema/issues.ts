/** Turns schema issues into sentences that name the field path and the value found. */
import type * as z from 'zod'

/** `target.hardware`, `args[0]`, `metrics.ttftMs.distribution.histogram`, `results["a b"]`. */
export function fieldPath(path: ReadonlyArray<PropertyKey>): string {
  let out = ''
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`
    else if (typeof part === 'string' && /^[A-Za-z_$][\w$]*$/.test(part)) out += out === '' ? part : `.${part}`
    else out += `[${JSON.stringify(String(part))}]`
  }
  return out
}

/** A value for a message: JSON, cut short. */
export function shown(value: unknown): string {
  if (value === undefined) return 'nothing'
  if (Array.isArray(value)) return value.length === 0 ? 'an empty array' : `an array (${cut(JSON.stringify(value))})`
  const text = typeof value === 'string' ? JSON.stringify(value) : cut(JSON.stringify(value) ?? String(value))
  return cut(text)
}

function cut(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}…` : text
}

const EXPECTED: Record<string, string> = {
  int: 'an integer',
  record: 'an object',
  object: 'an object',
  array: 'an array',
  number: 'a finite number',
}

/**
 * One sentence per issue, relative to the checked value: `target.hardware must be string, got 42`,
 * `speed must be a finite number, got "10"`, `requests is missing`.
 */
export function describeIssue(issue: z.core.$ZodIssue, prefix: ReadonlyArray<PropertyKey> = []): string {
  const path = fieldPath([...prefix, ...issue.path])
  const at = path === '' ? 'the top level' : path
  const input = (issue as { input?: unknown }).input
  switch (issue.code) {
    case 'invalid_type':
      if (input === undefined) return `${at} is missing`
      return `${at} must be ${EXPECTED[issue.expected] ?? issue.expected}, got ${shown(input)}`
    case 'invalid_value':
      return `${at} must be ${issue.values.map((v) => JSON.stringify(v)).join(' or ')}, got ${shown(input)}`
    case 'too_small':
      return `${at} must be ${issue.inclusive === false ? '>' : '≥'} ${String(issue.minimum)}${issue.origin === 'string' ? ' characters long' : ''}, got ${shown(input)}`
    case 'too_big':
      return `${at} must be ≤ ${String(issue.maximum)}, got ${shown(input)}`
    case 'unrecognized_keys':
      return `${at} has unknown field${issue.keys.length === 1 ? '' : 's'} ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}`
    case 'invalid_key':
      return `${at} has an unknown key ${shown(input)}`
    default:
      return `${at}: ${issue.message}${input === undefined ? '' : `, got ${shown(input)}`}`
  }
}
