/**
 * The published vLLM measurements of docs/validation/*.yaml against the performance model:
 * per point, measured vs predicted with the default constants, and vs a leave-one-out calibrated
 * prediction (constants fitted by `calibrate`'s fit on the OTHER points of the same GPU type).
 * Used by test/model/validation.ts (docs/perf-model.md §5); prints, asserts nothing.
 */
import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { fitConstants, fittableConstants, pointError, predictPoint, type MeasuredPoint } from '../../src/planner/fit.js'
import { loadPointsFile } from '../../src/planner/points.js'
import { startablePoint } from '../../src/planner/startable.js'
import type { PredictionFigures } from '../../src/cli/commands/predict.js'
import { getHardwareProfile, getModelSpec, type FittedConstant, type ModelConstants } from '../../src/model/index.js'

type Key = keyof PredictionFigures
/** Figures where a larger value means a faster server. */
const THROUGHPUT: ReadonlySet<Key> = new Set(['input_tokens_per_s', 'output_tokens_per_s', 'request_per_s'])
const SHORT: Record<Key, string> = {
  ttft_mean_ms: 'TTFT',
  ttft_p99_ms: 'TTFTp99',
  tpot_mean_ms: 'TPOT',
  itl_p99_ms: 'ITLp99',
  e2el_mean_ms: 'E2EL',
  input_tokens_per_s: 'in/s',
  output_tokens_per_s: 'out/s',
  request_per_s: 'req/s',
}

export interface PointResult {
  point: MeasuredPoint
  gpu: string
  /** The memory model's start-up failure for the published args (the real run started). */
  memoryMiss?: string
  /** predicted / measured per key, default constants. */
  uncalibrated: Partial<Record<Key, number>>
  /** predicted / measured per key, leave-one-out calibrated (absent: no other point on this GPU). */
  calibrated?: Partial<Record<Key, number>>
}

/** Every point of every points file in `dir`, each carrying its own box. */
export async function loadPublishedPoints(dir: string): Promise<Array<{ point: MeasuredPoint; gpu: string }>> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.yaml')).sort()
  const out: Array<{ point: MeasuredPoint; gpu: string }> = []
  for (const name of files) {
    const file = await loadPointsFile(join(dir, name))
    const hardware = getHardwareProfile(file.hardware)
    const box = { hardware, model: getModelSpec(file.model), dtype: file.dtype ?? 'auto' }
    file.points.forEach((p, i) => out.push({ point: { ...p, label: `${name}#${i}`, box }, gpu: hardware.gpu.id }))
  }
  return out
}

/** Options of the leave-one-out fits (each evaluation simulates every other point of the GPU). */
export interface ValidationOptions {
  fit?: readonly FittedConstant[]
  fitRequests?: number
  maxEvaluations?: number
  constants?: ModelConstants
}

/** Uncalibrated and leave-one-out calibrated ratios of every point. */
export function validate(published: ReadonlyArray<{ point: MeasuredPoint; gpu: string }>, options: ValidationOptions = {}): PointResult[] {
  const runnable = published.map(({ point, gpu }) => ({ ...startablePoint(point.box!, point), gpu }))
  const points = runnable.map(({ point, gpu }) => ({ point, gpu }))
  return runnable.map(({ point, gpu, memoryMiss }, i) => {
    const miss = memoryMiss === undefined ? {} : { memoryMiss }
    const setup = point.box!
    const uncalibrated = pointError(point, predictPoint(setup, point, options.constants ?? {})).ratios
    const others = points.filter((o, j) => j !== i && o.gpu === gpu).map((o) => o.point)
    if (others.length === 0) return { point, gpu, uncalibrated, ...miss }
    const fit = fitConstants({
      ...setup,
      points: others,
      fit: options.fit ?? fittableConstants(others),
      fitRequests: options.fitRequests ?? 64,
      maxEvaluations: options.maxEvaluations ?? 120,
    })
    const calibrated = pointError(point, predictPoint(setup, point, { ...options.constants, ...fit.constants })).ratios
    return { point, gpu, uncalibrated, calibrated, ...miss }
  })
}

const factor = (r: number): number => Math.exp(Math.abs(Math.log(r)))
const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b)
  const m = Math.floor(s.length / 2)
  return s.length === 0 ? NaN : s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2
}
/** Speed ratio of one figure: > 1 = the model says the server is faster than measured. */
const speed = (key: Key, r: number): number => (THROUGHPUT.has(key) ? r : 1 / r)

/** Markdown table: one row per point, error factor per metric (uncalibrated | calibrated). */
export function formatTable(results: readonly PointResult[]): string[] {
  const lines = ['| Point | Setup | Measured | Model / measured (default constants) | Leave-one-out calibrated |', '|---|---|---|---|---|']
  for (const r of results) {
    const box = r.point.box!
    const w = r.point.workload
    const setup = `${box.hardware.id} ${box.model.id.split('/')[1]} \`${r.point.args || 'defaults'}\` ${w.promptTokens}/${w.maxTokens} ×${w.requests} c${w.concurrency ?? '-'}`
    const keys = Object.keys(r.point.measured) as Key[]
    const measured = keys.map((k) => `${SHORT[k]} ${r.point.measured[k]}`).join(', ')
    const ratios = (rs: Partial<Record<Key, number>> | undefined) => (rs === undefined ? '–' : keys.map((k) => `${SHORT[k]} ×${rs[k]!.toFixed(2)}`).join(', '))
    lines.push(`| ${r.point.label} | ${setup} | ${measured} | ${ratios(r.uncalibrated)} | ${ratios(r.calibrated)} |`)
  }
  return lines
}

/** Summary lines: per metric and overall, median error factor and mean speed bias (geometric). */
export function formatSummary(results: readonly PointResult[]): string[] {
  const lines: string[] = []
  for (const which of ['uncalibrated', 'calibrated'] as const) {
    const byKey = new Map<Key, number[]>()
    for (const r of results) {
      const rs = r[which]
      if (rs === undefined) continue
      for (const [k, v] of Object.entries(rs) as Array<[Key, number]>) byKey.set(k, [...(byKey.get(k) ?? []), v])
    }
    const all = [...byKey.entries()].flatMap(([k, vs]) => vs.map((v) => [k, v] as const))
    const bias = (pairs: ReadonlyArray<readonly [Key, number]>) => Math.exp(pairs.reduce((s, [k, v]) => s + Math.log(speed(k, v)), 0) / Math.max(1, pairs.length))
    const parts = [...byKey.entries()].map(([k, vs]) => `${SHORT[k]} ×${median(vs.map(factor)).toFixed(2)} (speed ×${bias(vs.map((v) => [k, v] as const)).toFixed(2)}, n=${vs.length})`)
    lines.push(`${which.padEnd(12)} median error factor ×${median(all.map(([, v]) => factor(v))).toFixed(2)}, mean speed bias ×${bias(all).toFixed(2)} over ${all.length} figures; ${parts.join('; ')}`)
  }
  return lines
}
