/**
 * Where the history lives: an SQLite file (the embedded default, `.mlnode-bench/history.sqlite`)
 * or a PostgreSQL database a team shares, named by `MLNODE_BENCH_HISTORY_URL=postgres://…`.
 * An explicit `--history` (or the reporter's `historyFile`) wins over the variable, and may itself
 * be a postgres:// URL. The URL's password is a secret: registered with the scrubber here and
 * never part of `shownAs`.
 */
import { resolve } from 'node:path'
import { MlnodeBenchError, redact } from '../errors.js'
import { registerSecret, urlCredentials } from '../outputs/secrets.js'

/** Default store, relative to the project root. */
export const DEFAULT_HISTORY_FILE = '.mlnode-bench/history.sqlite'

/** The variable that puts the history in PostgreSQL. */
export const HISTORY_URL_VARIABLE = 'MLNODE_BENCH_HISTORY_URL'

export type HistoryLocation =
  | { kind: 'sqlite'; path: string; shownAs: string }
  | { kind: 'postgres'; url: string; shownAs: string }

const SCHEME = /^([a-z][a-z0-9+.-]*):\/\//i
const POSTGRES_SCHEMES = ['postgres', 'postgresql']

/**
 * The history named by `explicit` (a file path or a postgres:// URL), else by
 * MLNODE_BENCH_HISTORY_URL, else the default file. Files are resolved against `root` when given.
 * @throws MlnodeBenchError MLNB_CONFIG naming the option or variable when a URL is not PostgreSQL's.
 */
export function historyLocation(explicit?: string, options: { env?: NodeJS.ProcessEnv; root?: string } = {}): HistoryLocation {
  const env = options.env ?? process.env
  const fromEnv = env[HISTORY_URL_VARIABLE]
  if (explicit !== undefined && explicit !== '') return locate(explicit, '--history', options.root)
  if (fromEnv !== undefined && fromEnv.trim() !== '') {
    const scheme = SCHEME.exec(fromEnv.trim())?.[1]?.toLowerCase()
    if (scheme === undefined || !POSTGRES_SCHEMES.includes(scheme) || !URL.canParse(fromEnv.trim()))
      throw new MlnodeBenchError('MLNB_CONFIG', `${HISTORY_URL_VARIABLE} must be a postgres:// or postgresql:// URL, got "${redact(fromEnv)}" (unset it to use the SQLite file ${DEFAULT_HISTORY_FILE})`, {
        details: { variable: HISTORY_URL_VARIABLE, value: redact(fromEnv) },
      })
    return locate(fromEnv.trim(), HISTORY_URL_VARIABLE, options.root)
  }
  return locate(DEFAULT_HISTORY_FILE, 'default', options.root)
}

function locate(text: string, from: string, root: string | undefined): HistoryLocation {
  const scheme = SCHEME.exec(text)?.[1]?.toLowerCase()
  if (scheme === undefined) {
    const path = root === undefined ? text : resolve(root, text)
    return { kind: 'sqlite', path, shownAs: path }
  }
  if (!POSTGRES_SCHEMES.includes(scheme) || !URL.canParse(text))
    throw new MlnodeBenchError('MLNB_CONFIG', `The history "${redact(text)}" is no history mlnode-bench can use: a URL must be postgres:// or postgresql:// (PostgreSQL), anything else is an SQLite file path`, {
      details: { option: from, value: redact(text) },
    })
  for (const secret of postgresSecrets(text)) registerSecret(secret)
  return { kind: 'postgres', url: text, shownAs: redact(text) }
}

/** The password (and user:password) of a PostgreSQL URL, also when given as `?password=`. */
function postgresSecrets(url: string): string[] {
  const fromQuery = new URL(url).searchParams.get('password')
  return [...urlCredentials(url), ...(fromQuery ? [fromQuery] : [])]
}
