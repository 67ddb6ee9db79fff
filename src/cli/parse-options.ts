/**
 * The one command-line parser of every `mlnode-bench` subcommand: node's parseArgs for the
 * tokens, plus typed, range-checked numbers. Every misuse becomes an MlnodeBenchError with code
 * MLNB_USAGE (exit code 2) that names the option and the value and ends with a usage hint.
 */
import { parseArgs } from 'node:util'
import { MlnodeBenchError } from '../errors.js'

interface Common {
  /** One-letter alias (`-o`). */
  short?: string
}

/** A text option. */
export interface StringOption extends Common {
  type: 'string'
  required?: boolean
  /** The value may start with a dash (`--args "-tp 4"`), which parseArgs refuses on its own. */
  dashValue?: boolean
}

/** A flag without a value. */
export interface BooleanOption extends Common {
  type: 'boolean'
}

/** A number: `integer` accepts digits only; `port` is an integer from 0 to 65535. */
export interface NumberOption extends Common {
  type: 'number' | 'integer' | 'port'
  required?: boolean
  /** Inclusive bounds. */
  min?: number
  max?: number
  /** Exclusive bounds. */
  above?: number
  below?: number
}

export type OptionSpec = StringOption | BooleanOption | NumberOption
export type OptionSpecs = Record<string, OptionSpec>

type ValueOf<O extends OptionSpec> = O extends BooleanOption ? boolean : O extends StringOption ? string : number

/** Parsed values: flags are true/false, required options are present, the others may be undefined. */
export type OptionValues<S extends OptionSpecs> = {
  [K in keyof S]: S[K] extends BooleanOption ? boolean : S[K] extends { required: true } ? ValueOf<S[K]> : ValueOf<S[K]> | undefined
}

/** What a command declares about its command line. */
export interface CommandLine<S extends OptionSpecs> {
  /** Subcommand name, for the usage hint. */
  command: string
  /** Printed on --help / -h (stdout, exit 0). */
  usage: string
  options: S
  /** Positional arguments (e.g. files): undefined = none allowed. */
  positionals?: { name: string; min?: number }
}

export interface ParsedCommandLine<S extends OptionSpecs> {
  values: OptionValues<S>
  positionals: string[]
}

/** A usage error of `command`: message, then the hint to its --help. */
export function usageError(command: string, message: string, details: Record<string, unknown> = {}): MlnodeBenchError {
  return new MlnodeBenchError('MLNB_USAGE', `${message}\nRun \`mlnode-bench ${command} --help\` for its options.`, { details: { command, ...details } })
}

const INTEGER = /^[+-]?\d+$/
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i

function describeRange(spec: NumberOption): string {
  const kind = spec.type === 'number' ? 'a number' : 'an integer'
  const parts: string[] = []
  if (spec.min !== undefined && spec.max !== undefined) return `${kind} from ${spec.min} to ${spec.max}`
  if (spec.min !== undefined) parts.push(`>= ${spec.min}`)
  if (spec.above !== undefined) parts.push(`> ${spec.above}`)
  if (spec.max !== undefined) parts.push(`<= ${spec.max}`)
  if (spec.below !== undefined) parts.push(`< ${spec.below}`)
  return parts.length === 0 ? kind : `${kind} ${parts.join(' and ')}`
}

function toNumber(command: string, name: string, spec: NumberOption, raw: string): number {
  const range = spec.type === 'port' ? { ...spec, min: 0, max: 65_535 } : spec
  const value = Number(raw)
  const wellFormed = (spec.type === 'number' ? DECIMAL : INTEGER).test(raw.trim()) && Number.isFinite(value) && (spec.type === 'number' || Number.isSafeInteger(value))
  const inRange =
    (range.min === undefined || value >= range.min) &&
    (range.max === undefined || value <= range.max) &&
    (range.above === undefined || value > range.above) &&
    (range.below === undefined || value < range.below)
  if (!wellFormed || !inRange) {
    throw usageError(command, `--${name} must be ${describeRange(range)}, got "${raw}"`, { option: name, value: raw })
  }
  return value
}

/** Rewrites `--opt -x` into `--opt=-x` for options whose value may start with a dash. */
function glueDashValues(argv: readonly string[], specs: OptionSpecs): string[] {
  const out: string[] = []
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]!
    const spec = token.startsWith('--') ? specs[token.slice(2)] : undefined
    if (spec?.type === 'string' && spec.dashValue && i + 1 < argv.length) out.push(`${token}=${argv[++i]}`)
    else out.push(token)
  }
  return out
}

/** node's parseArgs messages, reworded to name the option and the value without node's jargon. */
function reword(error: { code?: unknown; message: string }, argv: readonly string[]): { message: string; option?: string; value?: string } {
  // "Option '-o, --out <value>' …": name the long form.
  const option = /'(?:-\w, )?(-{1,2}[^', ]+)/.exec(error.message)?.[1]
  switch (error.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return { message: `unknown option "${option}"`, ...(option ? { option } : {}) }
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL': {
      const value = /'([^']*)'/.exec(error.message)?.[1] ?? argv.find((a) => !a.startsWith('-')) ?? ''
      return { message: `unexpected argument "${value}": this command takes no positional arguments`, value }
    }
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE': {
      const details = option ? { option } : {}
      if (/argument missing/.test(error.message)) return { message: `${option} needs a value`, ...details }
      if (/does not take an argument/.test(error.message)) return { message: `${option} is a flag and takes no value`, ...details }
      if (/ambiguous/.test(error.message)) {
        const value = argv[argv.indexOf(option ?? '') + 1] ?? ''
        return { message: `${option} needs a value, got "${value}" which looks like an option (write ${option}=${value} if you mean it)`, ...details, value }
      }
      return { message: error.message, ...details }
    }
    default:
      return { message: error.message }
  }
}

/**
 * Parses `argv` against `line`. Returns undefined after printing the usage for --help / -h.
 * @throws MlnodeBenchError MLNB_USAGE naming the option and the value.
 */
export function parseCommandLine<const S extends OptionSpecs>(line: CommandLine<S>, argv: readonly string[]): ParsedCommandLine<S> | undefined {
  const tokens = glueDashValues(argv, line.options)
  if (tokens.includes('--help') || tokens.includes('-h')) {
    console.log(line.usage)
    return undefined
  }
  const nodeOptions: Record<string, { type: 'string' | 'boolean'; short?: string }> = {}
  for (const [name, spec] of Object.entries(line.options)) {
    nodeOptions[name] = { type: spec.type === 'boolean' ? 'boolean' : 'string', ...(spec.short ? { short: spec.short } : {}) }
  }
  let parsed
  try {
    parsed = parseArgs({ args: [...tokens], options: nodeOptions, strict: true, allowPositionals: line.positionals !== undefined })
  } catch (error) {
    const { message, ...details } = reword(error as { code?: unknown; message: string }, tokens)
    throw usageError(line.command, message, details)
  }
  const values: Record<string, unknown> = {}
  for (const [name, spec] of Object.entries(line.options)) {
    const raw = parsed.values[name]
    if (spec.type === 'boolean') {
      values[name] = raw === true
      continue
    }
    if (raw === undefined) {
      if (spec.required) throw usageError(line.command, `--${name} is required`, { option: name })
      continue
    }
    values[name] = spec.type === 'string' ? raw : toNumber(line.command, name, spec, String(raw))
  }
  const min = line.positionals?.min ?? 0
  if (parsed.positionals.length < min) {
    throw usageError(line.command, `needs at least ${min} ${line.positionals!.name}${min === 1 ? '' : 's'}, got ${parsed.positionals.length || 'none'}`)
  }
  return { values: values as OptionValues<S>, positionals: parsed.positionals }
}
