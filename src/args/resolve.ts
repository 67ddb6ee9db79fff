/**
 * Resolves one option token to its canonical long name the way vLLM's FlexibleArgumentParser
 * (a CPython argparse subclass) does: `_`→`-` in `--` names, `=` splits the value, exact names
 * first, then unique prefixes (argparse `allow_abbrev`, never disabled by vLLM), short aliases
 * with an attached value (`-qfp8`, `-q=fp8`). Rules: docs/vllm-server-args.md "Parsing rules"; CPython 3.12
 * `argparse._parse_optional` / `_get_option_tuples`.
 */
import { ALIASES, OPTIONS, isBooleanKind, type OptionSpec } from './options.js'

export type Resolution =
  | {
      ok: true
      /** Canonical name without dashes; for an unknown `--x` it is `x` as written (normalised). */
      name: string
      /** The option row, undefined for an option the table does not know. */
      spec: OptionSpec | undefined
      /** `--no-x` form. */
      negated: boolean
      /** Value attached to the token (`--x=v`, `-qfp8`), undefined when none. */
      explicit: string | undefined
      /** Dotted sub-key path (`--speculative-config.method` → `method`), undefined when none. */
      dotted: string | undefined
    }
  | { ok: false; reason: string; candidates?: readonly string[] }

/** Long option strings argparse registers: every name, plus `no-x` for booleans (v0.9+). */
const LONG_STRINGS: readonly string[] = [...OPTIONS.values()].flatMap((spec) =>
  isBooleanKind(spec.kind) ? [spec.name, `no-${spec.name}`] : [spec.name],
)
const LONG_SET: ReadonlySet<string> = new Set(LONG_STRINGS)

/** Normalises a `--` name: vLLM rewrites `_` to `-` before argparse (utils.py FlexibleArgumentParser). */
export function normaliseLongName(name: string): string {
  return name.replace(/_/g, '-')
}

/** Long-name lookup: exact first, then unique prefix; `ambiguous` lists every candidate. */
export function lookupLong(name: string): { found: string } | { ambiguous: readonly string[] } | { missing: true } {
  if (LONG_SET.has(name)) return { found: name }
  if (name.length === 0) return { missing: true }
  const candidates = LONG_STRINGS.filter((candidate) => candidate.startsWith(name))
  if (candidates.length === 1) return { found: candidates[0]! }
  if (candidates.length > 1) return { ambiguous: candidates }
  return { missing: true }
}

function fromLongString(found: string, explicit: string | undefined, dotted: string | undefined): Resolution {
  const plain = OPTIONS.get(found)
  if (plain !== undefined) return { ok: true, name: found, spec: plain, negated: false, explicit, dotted }
  // Only `no-x` strings remain: LONG_STRINGS holds nothing else.
  const base = found.slice(3)
  return { ok: true, name: base, spec: OPTIONS.get(base), negated: true, explicit, dotted }
}

function resolveLong(token: string): Resolution {
  const body = token.slice(2)
  if (body.length === 0) return { ok: false, reason: "'--' (end of options) is not accepted in vLLM args" }
  const eq = body.indexOf('=')
  const head = eq === -1 ? body : body.slice(0, eq)
  const explicit = eq === -1 ? undefined : body.slice(eq + 1)
  // vLLM rewrites `_` only in the part before the first dot (dotted sub-keys keep theirs).
  const dot = head.indexOf('.')
  const name = normaliseLongName(dot === -1 ? head : head.slice(0, dot))
  const dotted = dot === -1 ? undefined : head.slice(dot + 1)
  if (name.length === 0) return { ok: false, reason: 'empty option name' }
  if (dotted !== undefined && dotted.length === 0) return { ok: false, reason: 'empty dotted key' }
  const hit = lookupLong(name)
  if ('found' in hit) return fromLongString(hit.found, explicit, dotted)
  if ('ambiguous' in hit) {
    return {
      ok: false,
      reason: `ambiguous option --${name} could match ${hit.ambiguous.map((c) => `--${c}`).join(', ')}`,
      candidates: hit.ambiguous.map((c) => (OPTIONS.has(c) ? c : c.slice(3))),
    }
  }
  // Not a vLLM option we know: keep it, the guard treats it as unknown (fail closed).
  if (name.startsWith('no-') && name.length > 3) {
    const base = OPTIONS.get(name.slice(3))
    if (base !== undefined) return { ok: false, reason: `--${base.name} is not a boolean flag, --${name} does not exist` }
    return { ok: true, name: name.slice(3), spec: undefined, negated: true, explicit, dotted }
  }
  return { ok: true, name, spec: undefined, negated: false, explicit, dotted }
}

function resolveShort(token: string): Resolution {
  const ok = (alias: string, explicit: string | undefined): Resolution => {
    const name = ALIASES.get(alias)!
    return { ok: true, name, spec: OPTIONS.get(name), negated: false, explicit, dotted: undefined }
  }
  if (ALIASES.has(token)) return ok(token, undefined)
  const eq = token.indexOf('=')
  if (eq !== -1 && ALIASES.has(token.slice(0, eq))) return ok(token.slice(0, eq), token.slice(eq + 1))
  // argparse: a one-letter option glued to its value (`-qfp8`), or a prefix of a short alias.
  const matches: Array<{ alias: string; explicit: string | undefined }> = []
  const short = token.slice(0, 2)
  if (ALIASES.has(short)) matches.push({ alias: short, explicit: token.slice(2) })
  for (const alias of ALIASES.keys()) if (alias.startsWith(token)) matches.push({ alias, explicit: undefined })
  if (matches.length === 1) return ok(matches[0]!.alias, matches[0]!.explicit)
  if (matches.length > 1) {
    return {
      ok: false,
      reason: `ambiguous option ${token} could match ${matches.map((m) => m.alias).join(', ')}`,
      candidates: matches.map((m) => ALIASES.get(m.alias)!),
    }
  }
  return {
    ok: false,
    reason: `unrecognized option ${token} (a single dash only takes short aliases such as -tp 4, -pp 2, -q fp8; long names need two dashes)`,
  }
}

/** Resolves a token that starts with `-` (the caller decides what looks like an option). */
export function resolveOptionToken(token: string): Resolution {
  return token.startsWith('--') ? resolveLong(token) : resolveShort(token)
}

/**
 * argparse's test for "this token is an option, not a value": starts with `-`, is not `-` alone,
 * not a negative number (vLLM has no option that looks like one), and a token with a space in it
 * counts as a value unless it resolves.
 */
export function looksLikeOption(token: string): boolean {
  if (!token.startsWith('-') || token === '-') return false
  if (/^-\d+$|^-\d*\.\d+$/.test(token)) return false
  if (token.includes(' ')) {
    const resolution = resolveOptionToken(token)
    return resolution.ok ? resolution.spec !== undefined : resolution.candidates !== undefined
  }
  return true
}
