/**
 * `predict --sweep over:from:to:steps[:search]`: the same sweep a suite measures, each step predicted by the
 * performance model (predict-core.ts) instead of measured, folded by the same loop
 * (early stop included), printed as the same curve with the capacity at SLO.
 */
import { MlnodeBenchError } from '../errors.js'
import type { Slo } from '../contracts/records.js'
import type { SweepResult } from '../contracts/results.js'
import type { SweepSpec, WorkloadSpec } from '../contracts/workload.js'
import type { ModelInstance } from '../model/index.js'
import { predictWorkloads, workloadOf } from './predict-core.js'
import { capacityText, renderSweepCurve, sloText, stoppedText } from '../report/sweep-comparison.js'
import { runSweepSteps } from '../sweep/run-steps.js'
import { validateSweep } from '../sweep/spec.js'

/**
 * The `--sweep` option's value as a SweepSpec: `rate:1:8:5` or `concurrency:1:64:7`.
 * @throws MlnodeBenchError MLNB_USAGE-free config error naming the option and value (the caller maps it to usage).
 */
export function parseSweepOption(text: string, extra: Pick<SweepSpec, 'attainment'> = {}): SweepSpec {
  const parts = text.split(':')
  // A trailing ':search' bisects instead of a grid (SweepSpec.search).
  const search = parts.length === 5 && parts[4] === 'search'
  if (search) parts.pop()
  const [over, from, to, steps] = parts
  if (parts.length !== 4 || (over !== 'rate' && over !== 'concurrency') || [from, to, steps].some((x) => x === undefined || x.trim() === '' || !Number.isFinite(Number(x)))) {
    throw new MlnodeBenchError('MLNB_CONFIG', `--sweep = ${JSON.stringify(text)} must be <rate|concurrency>:<from>:<to>:<steps>[:search], e.g. rate:1:8:5`, { details: { option: 'sweep', value: text } })
  }
  return { over, from: Number(from), to: Number(to), steps: Number(steps), ...(search ? { search } : {}), ...(extra.attainment === undefined ? {} : { attainment: extra.attainment }) }
}

export interface PredictSweepInput {
  plan: ModelInstance
  instances: number
  /** The workload every step derives from (its `sweep` set). */
  spec: WorkloadSpec
  promptTokens: number
  slo: Slo
  print?: (line: string) => void
}

/** Predicts every step (stopping early as a measured sweep does) and folds them. */
export async function predictSweep(input: PredictSweepInput): Promise<SweepResult> {
  validateSweep(input.spec, '--sweep')
  return runSweepSteps({
    spec: input.spec,
    slo: input.slo,
    label: 'predict sweep',
    ...(input.print ? { print: input.print } : {}),
    measure: async (step) => predictWorkloads({ plan: input.plan, instances: input.instances, workloads: [workloadOf(step, input.promptTokens)], slo: input.slo })[0]!.metrics,
  })
}

/** The curve and the capacity, as the comparison prints a measured sweep's. */
export function renderPredictedSweep(sweep: SweepResult): string {
  const table = (header: readonly string[], body: readonly (readonly string[])[]): string[] => {
    const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)))
    const line = (cells: readonly string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd()
    return [line(header), widths.map((w) => '─'.repeat(w)).join('  '), ...body.map(line)]
  }
  return [
    `Sweep over ${sweep.over}${sweep.search ? ' (search)' : ''}, SLO ${sloText(sweep)} (PREDICTED):`,
    ...renderSweepCurve([{ variant: 'predicted', sweep }], table).map((l) => `  ${l}`),
    `Capacity at SLO (predicted): ${capacityText(sweep)}${sweep.stopped ? `; ${stoppedText(sweep)}` : ''}`,
  ].join('\n')
}
