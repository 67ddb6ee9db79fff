/**
 * The fail-closed guard a variant passes before any deploy (docs/mlnode.md "Arg rules", docs/vllm-server-args.md "Guard
 * recipe"): mandatory args present and unchanged, no other inference-affecting or unknown arg,
 * no `--dtype/--port/--host` in args, and the request dtype equal to the reference one.
 */
import { MlnodeBenchError, redact } from '../errors.js'
import { classifyArg } from './classify.js'
import { assertMandatoryArgs } from './mandatory-check.js'
import { describeIssue, parseVllmArgs, scanVllmArgs, showToken, type ArgValue, type ParsedArgs } from './parse.js'

export type GuardViolationKind = 'missing' | 'changed' | 'forbidden' | 'unknown' | 'dtype'

/** One broken rule. `message` is a full sentence naming model, variant, arg and both values. */
export interface GuardViolation {
  kind: GuardViolationKind
  /** Canonical name (`kv-cache-dtype`), or the token as written when it could not be resolved. */
  arg: string
  expected?: string
  actual?: string
  message: string
}

export interface GuardVariantInput {
  model: string
  /** Variant name, e.g. `tp4-pp2`. */
  variant: string
  /** The network's args for the model: never altered. */
  mandatoryArgs: readonly string[]
  /** The variant's own args (tunables only). */
  variantArgs: readonly string[]
  /** dtype field of the up request (MLNode passes it as `--dtype`). */
  dtype?: string
  /** dtype the reference deployment uses (Gonka sends `float16`). */
  referenceDtype?: string
  /** Args declared safe to vary (any spelling). @default [] */
  allow?: readonly string[]
  /** Where the variant is declared (suite file…), named in messages. */
  source?: string
  /**
   * Who fixed the mandatory args, named in every message about one of them, e.g. the chain entry
   * `Qwen/QwQ-32B (snapshot, chain genesis, genesis/genesis-overrides.json)`.
   */
  mandatorySource?: string
}

/** Options MLNode's runner.py sets itself before the additional args (later copies win). */
const RUNNER_SET = new Set(['port', 'host'])
/** Values never echoed. */
const SECRET_ARGS = new Set(['api-key'])

/** vLLM `--dtype` aliases: `half` is float16, `float` is float32 (arg_utils.py choices). */
function canonicalDtype(dtype: string): string {
  const lower = dtype.trim().toLowerCase()
  return lower === 'half' ? 'float16' : lower === 'float' ? 'float32' : lower
}

function show(arg: string, value: ArgValue | undefined): string {
  if (value === undefined) return '(absent)'
  if (value === true) return `--${arg} (flag on)`
  if (value === false) return `--no-${arg} (flag off)`
  if (SECRET_ARGS.has(arg)) return "'***'"
  return `'${value}'`
}

function asText(arg: string, value: ArgValue | undefined): string | undefined {
  if (value === undefined) return undefined
  if (typeof value === 'boolean') return String(value)
  return SECRET_ARGS.has(arg) ? '***' : value
}

/** True when a variant value removes a mandatory arg: `--no-x`, or `""`/`None` (clears nullable args). */
function removes(value: ArgValue): boolean {
  return value === false || value === '' || value === 'None'
}

/**
 * Every guard violation of one variant; empty when the variant may be deployed.
 * @throws MlnodeBenchError `MLNB_ARGS_PARSE` when the mandatory args themselves do not parse.
 */
export function guardVariant(input: GuardVariantInput): GuardViolation[] {
  const { model, variant, allow = [] } = input
  const subject = `${model} variant ${variant}`
  const mandatorySource = `mandatory args of ${model}${input.source === undefined ? '' : ` (${input.source})`}`
  const mandatory = parseVllmArgs(input.mandatoryArgs, { source: mandatorySource })
  assertMandatoryArgs(input.mandatoryArgs, mandatorySource)
  const scanned = scanVllmArgs(input.variantArgs)
  const violations: GuardViolation[] = []
  const add = (v: Omit<GuardViolation, 'message'>, text: string): void => {
    violations.push({ ...v, message: redact(`${subject}: ${text}`) })
  }

  for (const issue of scanned.issues) {
    // An ambiguous prefix (`--quant` = --quantization or --quantization-config) is forbidden when
    // every reading is an inference-affecting arg; otherwise it is unknown. Both fail closed.
    const allInference =
      issue.candidates !== undefined &&
      issue.candidates.every((c) => classifyArg(c, { allow }) === 'inference' || mandatory.values.has(c))
    add(
      { kind: allInference ? 'forbidden' : 'unknown', arg: showToken(issue.token) },
      `${describeIssue(issue, 'the variant args')}; expected a tunable arg, actual '${showToken(issue.token)}'`,
    )
  }

  const spelling = new Map<string, string>()
  for (const occurrence of scanned.occurrences) spelling.set(occurrence.key, occurrence.spelling)
  for (const arg of scanned.parsed.order) {
    const actual = scanned.parsed.values.get(arg)!
    const written = ` (written '${SECRET_ARGS.has(arg) ? `--${arg} ***` : spelling.get(arg) ?? `--${arg}`}')`
    if (mandatory.values.has(arg)) {
      const expected = mandatory.values.get(arg)!
      if (expected === actual) continue
      const facts = { arg, expected: asText(arg, expected), actual: asText(arg, actual) }
      const fixedBy = input.mandatorySource === undefined ? '' : ` (fixed by ${input.mandatorySource})`
      if (removes(actual)) {
        add({ kind: 'missing', ...facts }, `mandatory --${arg}${fixedBy} is removed: expected ${show(arg, expected)}, actual ${show(arg, actual)}${written}`)
      } else {
        add({ kind: 'changed', ...facts }, `mandatory --${arg}${fixedBy} is changed: expected ${show(arg, expected)}, actual ${show(arg, actual)}${written}`)
      }
    } else if (arg === 'dtype') {
      add(
        { kind: 'dtype', arg, expected: input.dtype, actual: asText(arg, actual) },
        `--dtype inside args would silently override MLNode's dtype field: expected no --dtype (dtype field ${input.dtype === undefined ? 'unset' : `'${input.dtype}'`}), actual ${show(arg, actual)}${written}`,
      )
    } else if (RUNNER_SET.has(arg)) {
      add({ kind: 'forbidden', arg, actual: asText(arg, actual) }, `--${arg} is set by MLNode itself: expected absent, actual ${show(arg, actual)}${written}`)
    } else {
      const cls = classifyArg(arg, { allow })
      if (cls === 'inference') {
        add(
          { kind: 'forbidden', arg, actual: asText(arg, actual) },
          `--${arg} affects inference and is not mandatory: expected absent, actual ${show(arg, actual)}${written}`,
        )
      } else if (cls === 'unknown') {
        add(
          { kind: 'unknown', arg, actual: asText(arg, actual) },
          `--${arg} is not a known tunable arg, so it counts as inference-affecting (allow-list it if it is safe): expected absent, actual ${show(arg, actual)}${written}`,
        )
      }
    }
  }

  for (const arg of mandatory.order) {
    const value = mandatory.values.get(arg)!
    if (arg === 'dtype') {
      add(
        { kind: 'dtype', arg, expected: input.dtype, actual: asText(arg, value) },
        `--dtype in the mandatory args would silently override MLNode's dtype field: expected it in the dtype field, actual ${show(arg, value)}`,
      )
    } else if (RUNNER_SET.has(arg)) {
      add({ kind: 'forbidden', arg, actual: asText(arg, value) }, `--${arg} in the mandatory args is set by MLNode itself: expected absent, actual ${show(arg, value)}`)
    }
  }

  if (input.dtype !== undefined && input.referenceDtype !== undefined && canonicalDtype(input.dtype) !== canonicalDtype(input.referenceDtype)) {
    add(
      { kind: 'dtype', arg: 'dtype', expected: input.referenceDtype, actual: input.dtype },
      `dtype differs from the reference: expected '${input.referenceDtype}', actual '${input.dtype}'`,
    )
  }
  return violations
}

/** Mandatory args first, then the variant's keys that are not mandatory (variant value last wins). */
function merge(mandatory: ParsedArgs, variant: ParsedArgs): ParsedArgs {
  const values = new Map(mandatory.values)
  const order = [...mandatory.order]
  for (const key of variant.order) {
    if (!values.has(key)) order.push(key)
    values.set(key, variant.values.get(key)!)
  }
  return { values, order }
}

/**
 * The merged args (mandatory first, then the variant) of a variant that passes the guard.
 * @throws MlnodeBenchError `MLNB_ARGS_GUARD` listing every violation, one per line.
 * @throws MlnodeBenchError `MLNB_ARGS_PARSE` when the mandatory args do not parse.
 */
export function assertVariantAllowed(input: GuardVariantInput): ParsedArgs {
  const violations = guardVariant(input)
  if (violations.length > 0) {
    const head = `Guard rejected variant '${input.variant}' of ${input.model}${input.source === undefined ? '' : ` (${input.source})`}: ${violations.length} violation(s)`
    throw new MlnodeBenchError('MLNB_ARGS_GUARD', redact(`${head}:\n${violations.map((v) => `- ${v.message}`).join('\n')}`), {
      details: { model: input.model, variant: input.variant, source: input.source, violations },
    })
  }
  const mandatory = parseVllmArgs(input.mandatoryArgs, { source: `mandatory args of ${input.model}` })
  const variant = parseVllmArgs(input.variantArgs, { source: `variant ${input.variant} of ${input.model}` })
  return merge(mandatory, variant)
}
