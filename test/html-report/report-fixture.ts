/** A history for report tests: two runs of three variants on simulated hardware (the second with a capacity sweep of two and server and GPU telemetry of two), one on a real node, one compressa-perf import. */
import { join } from 'node:path'
import { importCompressa } from '../../src/history/import-compressa.js'
import { withHistory, type HistoryRun } from '../../src/history/store.js'
import type { BenchResult, RunResults, TargetInfo } from '../../src/contracts/results.js'
import { passedResult } from '../fixtures/reporters-shared/make-results.js'
import { measurementsOf, writeCompressaDb } from '../history/compressa-db.js'
import { sweepResult } from '../sweep/sweep-fixture.js'

export const MODEL = 'Qwen/Qwen2.5-7B-Instruct'
const SIM: TargetInfo = { kind: 'simulated', hardware: '8xh100-sxm', simulatedTime: true, seed: 0 }
const NODE: TargetInfo = { kind: 'mlnode', hardware: '8x NVIDIA H100 80GB HBM3' }

function variant(name: string, tp: number, scale: number, seed: number, target: TargetInfo, workload = 'chat 1k→200'): BenchResult {
  const r = passedResult(MODEL, name, workload, { scale, seed, n: 60, target })
  return { ...r, args: ['--tensor-parallel-size', String(tp)], layout: { gpuCount: 8, gpusPerInstance: tp, instances: 8 / tp, idleGpus: 0, tp, pp: 1 }, deployS: 30 + 5 * tp }
}

/** What vLLM's /metrics and MLNode's GPU route showed during the workload (the report's telemetry series). */
function withTelemetry(r: BenchResult, kvPeak: number): BenchResult {
  const series = [0, 1, 2, 3, 4].map((tS) => ({ tS, kvCacheUsage: (kvPeak * tS) / 4, running: 8, waiting: tS }))
  const serverTelemetry = { sources: 1, samples: series.length, intervalS: 1, kvCacheUsagePeak: kvPeak, kvCacheUsageMean: kvPeak / 2, runningMean: 8, waitingMean: 2, waitingPeak: 4, preemptions: 3, metricNames: {}, unavailable: [], series }
  const gpuTelemetry = { samples: 5, intervalS: 1, gpus: [], stages: [{ replica: 0, stage: 0, gpus: [0], utilizationMean: 90 * kvPeak }], sources: ['mlnode /api/v1/gpu/devices'], unavailable: [] }
  return { ...r, serverTelemetry, gpuTelemetry }
}

function run(id: string, date: string, results: BenchResult[]): RunResults {
  const git = { commit: 'd'.repeat(40), dirty: false, branch: 'main' }
  return { schemaVersion: 1, provenance: { tool: { name: 'mlnode-bench', version: '0.1.0' }, date, git }, run: { id, date, git, state: 'complete' }, results: results.map((r) => ({ ...r, run: { id, date, git } })) }
}

/** Writes the history (and the compressa-perf database it imports) under `dir`; returns the store's runs. */
export async function buildFixtureHistory(dir: string, options: { experimentName?: string } = {}): Promise<{ historyPath: string; runs: HistoryRun[] }> {
  const historyPath = join(dir, 'history.sqlite')
  const compressaDb = join(dir, 'compressa-perf-db.sqlite')
  await writeCompressaDb(compressaDb, [{ name: options.experimentName ?? 'chat 1k→200', description: 'manual comparison', date: '2025-09-01 08:00:00', parameters: { model_name: MODEL }, measurements: measurementsOf(40, { failEvery: 20 }) }])
  const runs = await withHistory(
    historyPath,
    async (store) => {
      await store.addRun(run('run-1', '2026-01-01T00:00:00.000Z', ([variant('tp1', 1, 1.0, 1, SIM), variant('tp2', 2, 0.8, 2, SIM), variant('tp4', 4, 0.7, 3, SIM), variant('tp2', 2, 0.8, 4, SIM, 'poisson 2 req/s')])))
      await store.addRun(run('run-2', '2026-01-02T00:00:00.000Z', ([withTelemetry(variant('tp1', 1, 1.3, 5, SIM), 0.9), withTelemetry(variant('tp2', 2, 0.82, 6, SIM), 0.6), variant('tp4', 4, 0.71, 7, SIM), variant('tp8-node', 8, 0.9, 8, NODE), sweepResult(MODEL, 'tp1', [20, 20, 19, 12], SIM, 'capacity sweep'), sweepResult(MODEL, 'tp2', [20, 18, 10, 5], SIM, 'capacity sweep')])))
      await importCompressa(store, compressaDb, { variant: 'compressa-perf tp8' })
      return store.runs()
    },
    { write: true },
  )
  return { historyPath, runs }
}
