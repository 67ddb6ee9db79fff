/**
 * SQLite through sql.js (SQLite compiled to WebAssembly): it installs from the npm registry alone,
 * with no compiler and no prebuilt native binary to download, and runs unchanged on every Node
 * version (docs/history.md says why this over better-sqlite3 or node:sqlite). A database is read
 * whole into memory and written back whole, atomically: history files are small (a few MB).
 */
import { readFile } from 'node:fs/promises'
import initSqlJs, { type Database, type SqlJsStatic, type SqlValue } from 'sql.js'
import { MlnodeBenchError } from '../errors.js'
import { writeFileAtomic } from '../outputs/atomic-write.js'

export type { Database, SqlValue }

let engine: Promise<SqlJsStatic> | undefined

/** The WebAssembly SQLite engine, loaded once per process. */
function sqlite(): Promise<SqlJsStatic> {
  engine ??= initSqlJs()
  return engine
}

/** SQLite files start with this header (anything else is not a database). */
const MAGIC = 'SQLite format 3\u0000'

/**
 * Opens the SQLite file at `path` in memory; a missing file gives an empty database when
 * `create` is set. `what` names the file's role in errors ("history", "compressa-perf database").
 * @throws MlnodeBenchError MLNB_HISTORY naming the file when it cannot be read or is no SQLite file.
 */
export async function openDatabase(path: string, what: string, options: { create?: boolean } = {}): Promise<Database> {
  let bytes: Uint8Array | undefined
  try {
    bytes = await readFile(path)
  } catch (cause) {
    const missing = (cause as { code?: unknown }).code === 'ENOENT'
    if (!(missing && options.create))
      throw new MlnodeBenchError('MLNB_HISTORY', `${what} ${path} cannot be read: ${missing ? 'no such file' : (cause as Error).message}`, { cause, details: { file: path } })
  }
  if (bytes !== undefined && bytes.length > 0 && Buffer.from(bytes.subarray(0, MAGIC.length)).toString('latin1') !== MAGIC)
    throw new MlnodeBenchError('MLNB_HISTORY', `${what} ${path} is not a SQLite database (${bytes.length} bytes, no SQLite header)`, { details: { file: path } })
  const SQL = await sqlite()
  return bytes === undefined || bytes.length === 0 ? new SQL.Database() : new SQL.Database(bytes)
}

/** Writes the database to `path` atomically (a reader never sees half a file). */
export async function saveDatabase(db: Database, path: string): Promise<void> {
  await writeFileAtomic(path, db.export())
}

/** Rows of a query as objects keyed by column name. */
export function queryRows(db: Database, sql: string, params: SqlValue[] = []): Array<Record<string, SqlValue>> {
  const statement = db.prepare(sql)
  try {
    statement.bind(params)
    const rows: Array<Record<string, SqlValue>> = []
    while (statement.step()) rows.push(statement.getAsObject())
    return rows
  } finally {
    statement.free()
  }
}

/** Column names of `table` (empty when the table does not exist). */
export function tableColumns(db: Database, table: string): string[] {
  return queryRows(db, `PRAGMA table_info("${table.replace(/"/g, '""')}")`).map((r) => String(r.name))
}
