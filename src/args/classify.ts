/**
 * Which class an arg belongs to, for the guard. Lists: src/args/options.ts, built from
 * docs/vllm-server-args.md tables A (inference), B (tunable) and C (each row's stated default; TP/PP/EP/DP
 * tunable as Gonka allows them). Anything else is `unknown` and the guard treats it as
 * inference-affecting (docs/vllm-server-args.md "Guard recipe": fail closed) unless the user allow-lists it.
 */
import { ALIASES, OPTIONS } from './options.js'
import { lookupLong, normaliseLongName } from './resolve.js'

export type ArgClass = 'inference' | 'tunable' | 'unknown'

export interface ClassifyArgOptions {
  /**
   * Args the user declares safe to vary (any spelling: `--foo-bar`, `foo_bar`, `-tp`). They
   * classify as `tunable`. @default []
   */
  allow?: readonly string[]
}

/**
 * Canonical name of an arg given in any spelling: `--kv_cache_dtype`, `kv-cache-dtype`, `-q`,
 * a unique prefix (`--quantiz`), `--no-enable-prefix-caching` → `enable-prefix-caching`.
 * Unknown names come back normalised (dashes stripped, `_`→`-`); an ambiguous prefix
 * comes back as written so that it never matches a real option.
 */
export function canonicalArgName(name: string): string {
  if (name.startsWith('-') && !name.startsWith('--')) {
    const alias = ALIASES.get(name.split('=')[0]!)
    return alias ?? name
  }
  const bare = normaliseLongName(name.replace(/^--/, '').split('=')[0]!.split('.')[0]!)
  const hit = lookupLong(bare)
  if ('found' in hit) return OPTIONS.has(hit.found) ? hit.found : hit.found.slice(3)
  if ('ambiguous' in hit) return name
  return bare
}

/**
 * Class of one arg, any spelling. Allow-listed args are `tunable`.
 * @example classifyArg('-tp') === 'tunable'; classifyArg('--kv_cache_dtype') === 'inference'
 */
export function classifyArg(name: string, options: ClassifyArgOptions = {}): ArgClass {
  const canonical = canonicalArgName(name)
  if ((options.allow ?? []).some((allowed) => canonicalArgName(allowed) === canonical)) return 'tunable'
  const cls = OPTIONS.get(canonical)?.cls
  if (cls === 'inference' || cls === 'tunable') return cls
  return 'unknown'
}
