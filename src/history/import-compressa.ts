/**
 * Reads compressa-perf's own SQLite database (its `create_tables`: Experiments, Parameters,
 * Metrics, Measurements; see docs/history.md) into the history, one run per experiment, so a
 * host's earlier manual comparisons show beside new runs.
 *
 * Each experiment becomes one result `model › variant › experiment_name`: the metrics are
 * recomputed from its per-request Measurements (start_time, end_time, ttft in seconds, n_input,
 * n_output, status 'success' | 'failed') with our definitions and compressa-perf's own formulas;
 * the Metrics and Parameters rows it stored are kept beside them as they were. compressa-perf
 * records no per-token stamps and no failure reasons: ITL and the failure breakdown stay empty.
 */
import { basename } from 'node:path'
import { MlnodeBenchError } from '../errors.js'
import { compressaMetricsOf, type CompressaMeasurement } from '../metrics/compressa.js'
import { emptySummary } from '../metrics/histogram.js'
import { summarize } from '../metrics/summarize.js'
import type { RequestRecord, WorkloadMetrics } from '../contracts/records.js'
import type { BenchResult, RunResults } from '../contracts/results.js'
import { openDatabase, queryRows, tableColumns, type Database } from './sqlite.js'
import type { History } from './history.js'

/** Tables and columns the import reads (compressa-perf's schema; extra columns are ignored). */
const REQUIRED: Record<string, string[]> = {
  Experiments: ['id', 'experiment_name', 'experiment_date', 'description'],
  Parameters: ['experiment_id', 'key', 'value'],
  Metrics: ['experiment_id', 'metric_name', 'metric_value'],
  Measurements: ['experiment_id', 'n_input', 'n_output', 'ttft', 'start_time', 'end_time', 'status'],
}

export interface ImportCompressaOptions {
  /** Model of every experiment. @default its `model_name` parameter, else "unknown model" */
  model?: string
  /** @default 'compressa-perf' */
  variant?: string
  /** What the experiments ran on. @default 'unknown (compressa-perf)' */
  hardware?: string
}

export interface ImportedExperiment {
  id: number
  name: string
  /** False when an earlier import already holds it. */
  added: boolean
  requests: number
}

export interface ImportCompressaReport {
  experiments: ImportedExperiment[]
  /** Experiments left out, one sentence each (no measurements). */
  skipped: string[]
}

/**
 * Imports every experiment of the compressa-perf database at `path` into `store` (not saved).
 * @throws MlnodeBenchError MLNB_HISTORY naming the file, and the table or column, when it is not compressa-perf's.
 */
export async function importCompressa(store: History, path: string, options: ImportCompressaOptions = {}): Promise<ImportCompressaReport> {
  const db = await openDatabase(path, 'compressa-perf database')
  try {
    checkSchema(db, path)
    const report: ImportCompressaReport = { experiments: [], skipped: [] }
    for (const e of queryRows(db, 'SELECT id, experiment_name, experiment_date, description FROM Experiments ORDER BY id')) {
      const id = Number(e.id)
      const name = String(e.experiment_name)
      const measurements = queryRows(db, 'SELECT n_input, n_output, ttft, start_time, end_time, status FROM Measurements WHERE experiment_id = ? ORDER BY start_time, rowid', [id]).map((m) => ({
        startS: Number(m.start_time),
        endS: Number(m.end_time),
        ttftS: Number(m.ttft),
        nInput: Number(m.n_input),
        nOutput: Number(m.n_output),
        ok: String(m.status) === 'success',
      }))
      if (measurements.length === 0) {
        report.skipped.push(`experiment ${id} "${name}": no measurements`)
        continue
      }
      const parameters = Object.fromEntries(queryRows(db, 'SELECT key, value FROM Parameters WHERE experiment_id = ? ORDER BY rowid', [id]).map((p) => [String(p.key), String(p.value)]))
      const storedMetrics = Object.fromEntries(queryRows(db, 'SELECT metric_name, metric_value FROM Metrics WHERE experiment_id = ? ORDER BY rowid', [id]).map((m) => [String(m.metric_name), Number(m.metric_value)]))
      const date = isoDate(e.experiment_date)
      const result: BenchResult = {
        model: options.model ?? parameters.model_name ?? 'unknown model',
        variant: options.variant ?? 'compressa-perf',
        workload: name,
        file: basename(path),
        status: measurements.some((m) => m.ok) ? 'passed' : 'failed',
        target: { kind: 'openai', hardware: options.hardware ?? 'unknown (compressa-perf)' },
        args: [],
        metrics: metricsOf(measurements),
      }
      if (result.status === 'failed') result.failure = { kind: 'workload', message: 'every request of the experiment failed (compressa-perf)' }
      const runId = `compressa-perf:${basename(path)}:${id}:${date}`
      const file: RunResults = { schemaVersion: 1, provenance: { tool: { name: 'compressa-perf', version: 'unknown' }, date }, results: [result] }
      const description = e.description === null || e.description === undefined ? undefined : String(e.description)
      const { added } = await store.addRun(file, {
        source: 'compressa-perf',
        runId,
        name,
        ...(description === undefined ? {} : { description }),
        importedFrom: basename(path),
        extra: { compressaPerf: { experimentId: id, metrics: storedMetrics, parameters } },
      })
      report.experiments.push({ id, name, added, requests: measurements.length })
    }
    return report
  } finally {
    db.close()
  }
}

function checkSchema(db: Database, path: string): void {
  for (const [table, columns] of Object.entries(REQUIRED)) {
    const have = tableColumns(db, table)
    if (have.length === 0) throw new MlnodeBenchError('MLNB_HISTORY', `${path} is not a compressa-perf database: table ${table} is missing`, { details: { file: path, table } })
    const missing = columns.filter((c) => !have.includes(c))
    if (missing.length > 0)
      throw new MlnodeBenchError('MLNB_HISTORY', `${path} is not a compressa-perf database: table ${table} lacks column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`, { details: { file: path, table, columns: missing } })
  }
}

/** compressa-perf's experiment_date: SQLite CURRENT_TIMESTAMP ("YYYY-MM-DD HH:MM:SS", UTC) or an ISO string. */
function isoDate(value: unknown): string {
  const text = String(value ?? '')
  const parsed = new Date(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)?$/.test(text) ? `${text.replace(' ', 'T')}Z` : text)
  return Number.isNaN(parsed.getTime()) ? new Date(0).toISOString() : parsed.toISOString()
}

/** Our metrics of compressa-perf's per-request measurements (seconds → milliseconds). */
export function metricsOf(measurements: readonly CompressaMeasurement[]): WorkloadMetrics {
  const ms = (s: number): number => s * 1000
  const records: RequestRecord[] = measurements.map((m, index) => ({
    index,
    warmup: false,
    scheduledAtMs: ms(m.startS),
    sentAtMs: ms(m.startS),
    firstChunkAtMs: ms(m.startS + m.ttftS),
    // First token and end of stream: TTFT, E2EL and TPOT follow; ITL needs stamps it never kept.
    contentChunkAtMs: m.ok ? [ms(m.startS + m.ttftS), ms(m.endS)] : [],
    endAtMs: ms(m.endS),
    promptTokens: Math.max(0, m.nInput),
    completionTokens: Math.max(0, m.nOutput),
    tokensEstimated: false,
    ...(m.ok ? {} : { failure: { reason: 'bad_response' as const, message: 'failed in compressa-perf (reason not recorded)' } }),
  }))
  const metrics = summarize({ records })
  return {
    ...metrics,
    itlMs: emptySummary(),
    queueWaitMs: emptySummary(),
    // compressa-perf records that a request failed, not why.
    requests: { ...metrics.requests, failuresByReason: {} },
    compressa: compressaMetricsOf(measurements),
  }
}
