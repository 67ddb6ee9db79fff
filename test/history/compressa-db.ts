/**
 * A compressa-perf database built with compressa-perf's own schema (its db/setup.py
 * `create_tables`, statement for statement) and rows as its writer inserts them.
 */
import { writeFile } from 'node:fs/promises'
import initSqlJs from 'sql.js'

const COMPRESSA_SCHEMA = [
  `CREATE TABLE IF NOT EXISTS Experiments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    experiment_name TEXT NOT NULL,
    experiment_date DATETIME DEFAULT CURRENT_TIMESTAMP,
    description TEXT
  );`,
  `CREATE TABLE IF NOT EXISTS Parameters (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    experiment_id INTEGER NOT NULL,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    FOREIGN KEY (experiment_id) REFERENCES Experiments(id)
  );`,
  `CREATE TABLE IF NOT EXISTS Metrics (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    experiment_id INTEGER NOT NULL,
    metric_name TEXT NOT NULL,
    metric_value REAL NOT NULL,
    timestamp DATETIME DEFAULT CURRENT_TIMESTAMP,
    FOREIGN KEY (experiment_id) REFERENCES Experiments(id)
  );`,
  `CREATE TABLE IF NOT EXISTS Measurements (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    experiment_id INTEGER NOT NULL,
    n_input INTEGER NOT NULL,
    n_output INTEGER NOT NULL,
    ttft REAL NOT NULL,
    start_time REAL NOT NULL,
    end_time REAL NOT NULL,
    status TEXT NOT NULL,
    FOREIGN KEY (experiment_id) REFERENCES Experiments(id)
  );`,
]

export interface FakeMeasurement {
  nInput: number
  nOutput: number
  ttft: number
  start: number
  end: number
  status: 'success' | 'failed'
}

export interface FakeExperiment {
  name: string
  description: string
  /** Left to CURRENT_TIMESTAMP's format, as compressa-perf leaves it. */
  date: string
  parameters?: Record<string, string>
  metrics?: Record<string, number>
  measurements: FakeMeasurement[]
}

/** `n` requests from t0 on, closed loop of `runners`, with given latencies; `failEvery` marks some failed. */
export function measurementsOf(n: number, opts: { t0?: number; ttft?: number; latency?: number; runners?: number; failEvery?: number } = {}): FakeMeasurement[] {
  const t0 = opts.t0 ?? 1_732_000_000
  const latency = opts.latency ?? 4
  const runners = opts.runners ?? 2
  return Array.from({ length: n }, (_, i) => {
    const start = t0 + Math.floor(i / runners) * latency + (i % runners) * 0.01
    const failed = opts.failEvery !== undefined && (i + 1) % opts.failEvery === 0
    return { nInput: 500 + i, nOutput: failed ? 0 : 100 + (i % 7), ttft: (opts.ttft ?? 0.4) + (i % 5) * 0.05, start, end: start + latency - (i % 3) * 0.2, status: failed ? 'failed' : 'success' }
  })
}

/** Writes a compressa-perf database with `experiments` to `path`. */
export async function writeCompressaDb(path: string, experiments: readonly FakeExperiment[], options: { dropColumn?: string } = {}): Promise<void> {
  const SQL = await initSqlJs()
  const db = new SQL.Database()
  for (const statement of COMPRESSA_SCHEMA) db.run(options.dropColumn ? statement.replace(new RegExp(`\\n\\s*${options.dropColumn} [^\\n]*`), '') : statement)
  for (const e of experiments) {
    db.run('INSERT INTO Experiments (experiment_name, experiment_date, description) VALUES (?, ?, ?)', [e.name, e.date, e.description])
    const id = Number(db.exec('SELECT last_insert_rowid()')[0]!.values[0]![0])
    for (const [k, v] of Object.entries(e.parameters ?? {})) db.run('INSERT INTO Parameters (experiment_id, key, value) VALUES (?, ?, ?)', [id, k, v])
    for (const [k, v] of Object.entries(e.metrics ?? {})) db.run('INSERT INTO Metrics (experiment_id, metric_name, metric_value, timestamp) VALUES (?, ?, ?, ?)', [id, k, v, e.date])
    for (const m of e.measurements)
      db.run('INSERT INTO Measurements (experiment_id, n_input, n_output, ttft, start_time, end_time, status) VALUES (?, ?, ?, ?, ?, ?, ?)', [id, m.nInput, m.nOutput, m.ttft, m.start, m.end, m.status])
  }
  await writeFile(path, db.export())
  db.close()
}
