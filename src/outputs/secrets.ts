/**
 * The one place where text leaves the process: every report file (writeFileAtomic), the history
 * rows and every console line of the reporters and the command go through `scrub`, which removes
 * each secret the run knows in the forms a server may echo it back in: plain, URL-encoded and
 * base64 (a Basic auth header is base64 of `user:password`; a token inside a longer base64 text
 * is found at each of the three byte alignments). `redact` (src/errors.ts) then masks what merely
 * looks like a credential (URL userinfo, `?token=`, `Bearer …`).
 *
 * Secrets come from the environment (the URL credentials of MLNODE_URL, INFERENCE_URL and
 * MLNODE_BENCH_HISTORY_URL, the API
 * key variable, every variable whose name says it holds a token, key, secret or password) and from
 * `registerSecret` (the compressa `api_token_env_var` value, when a workload reads it).
 */
import { redact } from '../errors.js'

/** Shorter values would mask ordinary words and numbers: such a "secret" is not one. */
const MIN_SECRET_CHARS = 6
/** A base64 fragment shorter than this may occur by chance. */
const MIN_BASE64_CHARS = 8

/** Whole words of a variable's name (GITHUB_TOKEN, OPENAI_API_KEY, AWS_SECRET_ACCESS_KEY; not GIT_AUTHOR_NAME). */
const SECRET_NAME = /(^|_)(TOKEN|SECRET|PASSWORD|PASSWD|PASS|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|CREDENTIALS?|AUTH)(_|$)/i
/** Variables that name a secret's variable or place, not the secret (MLNODE_BENCH_API_KEY_ENV=OPENAI_API_KEY). */
const POINTER_NAME = /_(ENV|VAR|NAME|FILE|PATH|URL|DIR)$/i
// MLNODE_BENCH_HISTORY_URL: a team's shared PostgreSQL history (src/history/location.ts).
const URL_VARIABLES = ['MLNODE_URL', 'INFERENCE_URL', 'MLNODE_BENCH_HISTORY_URL']

const registered = new Set<string>()

/** Adds a secret the environment scan cannot find (e.g. the variable a workload file names). */
export function registerSecret(value: string | undefined): void {
  if (value && value.length >= MIN_SECRET_CHARS) registered.add(value)
}

/** The environment variables whose values are secrets: the API key variable, names that say so, explicit names. */
export function secretsOf(env: NodeJS.ProcessEnv, extraNames: readonly string[] = []): string[] {
  const found = new Set<string>()
  const apiKeyEnv = env.MLNODE_BENCH_API_KEY_ENV || 'OPENAI_API_KEY'
  for (const [name, value] of Object.entries(env)) {
    if (!value) continue
    if (name === apiKeyEnv || extraNames.includes(name) || (SECRET_NAME.test(name) && !POINTER_NAME.test(name))) found.add(value)
  }
  for (const name of URL_VARIABLES) for (const s of urlCredentials(env[name])) found.add(s)
  return [...found].filter((s) => s.length >= MIN_SECRET_CHARS)
}

/** `user:password`, the password and the user of a URL with credentials (percent-decoded too). */
export function urlCredentials(url: string | undefined): string[] {
  if (!url || !URL.canParse(url)) return []
  const { username, password } = new URL(url)
  if (!username && !password) return []
  const plain = (s: string): string => {
    try {
      return decodeURIComponent(s)
    } catch {
      return s
    }
  }
  const out = [`${plain(username)}:${plain(password)}`, `${username}:${password}`, plain(password), password]
  return [...new Set(out.filter(Boolean))]
}

/** The base64 text of `secret` wherever it starts in a longer base64 text (3 alignments), standard and URL-safe. */
function base64Forms(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8')
  const out: string[] = []
  for (let pad = 0; pad < 3; pad++) {
    const encoded = Buffer.concat([Buffer.alloc(pad), bytes]).toString('base64')
    // Characters that depend only on the secret's bytes: not the padding's, not what follows.
    const start = Math.ceil((pad * 8) / 6)
    const end = Math.floor(((pad + bytes.length) * 8) / 6)
    const part = encoded.slice(start, end)
    if (part.length >= MIN_BASE64_CHARS) out.push(part, part.replace(/\+/g, '-').replace(/\//g, '_'))
  }
  return out
}

/** Every form of `secret` to mask, the longest first (so a longer form is never half-masked). */
export function secretForms(secret: string): string[] {
  const forms = new Set<string>([secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1), ...base64Forms(secret)])
  return [...forms].filter((f) => f.length >= MIN_SECRET_CHARS).sort((a, b) => b.length - a.length)
}

let cache: { key: string; forms: string[] } | undefined

function knownForms(env: NodeJS.ProcessEnv): string[] {
  const secrets = [...new Set([...secretsOf(env), ...registered])].sort()
  const key = secrets.join('\u0000')
  if (cache?.key !== key) cache = { key, forms: [...new Set(secrets.flatMap(secretForms))].sort((a, b) => b.length - a.length) }
  return cache.forms
}

/** `text` with every known secret (all its forms) replaced by `***`, then `redact`ed. */
export function scrub(text: string, env: NodeJS.ProcessEnv = process.env): string {
  let out = text
  for (const form of knownForms(env)) if (out.includes(form)) out = out.split(form).join('***')
  return redact(out)
}

/** Plain-data values (a results file, a history row) with every string scrubbed. */
export function scrubDeep<T>(value: T, env: NodeJS.ProcessEnv = process.env): T {
  if (typeof value === 'string') return scrub(value, env) as T
  if (Array.isArray(value)) return value.map((v: unknown) => scrubDeep(v, env)) as T
  if (value === null || typeof value !== 'object') return value
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrubDeep(v, env)])) as T
}

/** Routes console.log/info/warn/error through `scrub` (a command's prints); returns the undo. */
export function scrubConsole(): () => void {
  const methods = ['log', 'info', 'warn', 'error'] as const
  const saved = methods.map((m) => console[m])
  methods.forEach((m, i) => {
    const original = saved[i]!
    console[m] = (...args: unknown[]) => original.call(console, ...args.map((a) => (typeof a === 'string' ? scrub(a) : a)))
  })
  return () => methods.forEach((m, i) => (console[m] = saved[i]!))
}
