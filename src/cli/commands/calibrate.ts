/**
 * `mlnode-bench calibrate`: fits the performance model's efficiency and interconnect constants to
 * points measured on one box, prints each point's fit error and its leave-one-out error (the
 * honest one: that point predicted by constants fitted without it), and writes a calibration file
 * that `predict`, `plan`, the simulator and suites read.
 */
import { DEFAULT_MODEL_CONSTANTS, getModelSpec, loadModelConfig, type Calibration, type HardwareProfile } from '../../model/index.js'
import { writeFileAtomic } from '../../outputs/atomic-write.js'
import { parseCommandLine, usageError } from '../parse-options.js'
import { BOX_OPTIONS, boxOption } from '../planning/box-options.js'
import { fitConstants, fittableConstants, leaveOneOut, type MeasuredPoint, type PointError } from '../../planner/fit.js'
import { fitWarnings, identifiableConstants, leaveOneWorkloadOut } from '../../planner/held-out.js'
import { loadPointsFile, pointsFromResults } from '../../planner/points.js'
import { startablePoint } from '../../planner/startable.js'

export const summary = 'Fit the performance model to measured points of one box (writes a calibration file)'

const USAGE = `Usage: mlnode-bench calibrate (--points <points.yml> | --results <results.json>[,<results.json>…])
       --out <calibration.json> [--hardware <profile> | --gpu <gpu> --gpus N] [--model <id|config.json>]
       [--dtype float16] [--json]

Fits the model's efficiencies (mbuWeights, mfuLinear), per-step overhead, the per-request
front-end time when a point measured TTFT and, when a point spans several GPUs, the interconnect
bandwidth scale, to measured points of ONE box. Prints each point's fit error and its
leave-one-out error, and writes the constants for --calibration.

  --points    YAML: hardware, model, points: [{ args, workload: { prompt_tokens, max_tokens,
              requests, concurrency | request_rate }, measured: { any predict --json keys },
              source?, note? }] (docs/validation/*.yaml are examples)
  --results   results.json files of real runs (simulated results are skipped)
  --hardware  the box (default: the points file's); --gpu/--gpus as in plan
  --model     the model (default: the points file's); required with --results only
  --out       the calibration file to write`

const COMMAND_LINE = {
  command: 'calibrate',
  usage: USAGE,
  options: {
    points: { type: 'string' },
    results: { type: 'string' },
    out: { type: 'string', required: true },
    ...BOX_OPTIONS,
    model: { type: 'string' },
    dtype: { type: 'string' },
    json: { type: 'boolean' },
  },
} as const

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b)
  const mid = Math.floor(s.length / 2)
  return s.length === 0 ? NaN : s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2
}
const ratioText = (e: PointError): string =>
  Object.entries(e.ratios)
    .map(([k, r]) => `${k} ×${(r as number).toFixed(2)}`)
    .join(', ')

/** Entry point of `mlnode-bench calibrate`. */
export async function run(argv: string[]): Promise<number> {
  const cli = parseCommandLine(COMMAND_LINE, argv)
  if (!cli) return 0
  const v = cli.values
  if (v.points === undefined && v.results === undefined) throw usageError('calibrate', 'name measured points: --points <file> and/or --results <results.json>', { option: 'points' })
  const file = v.points === undefined ? undefined : await loadPointsFile(v.points)
  const modelId = v.model ?? file?.model
  if (modelId === undefined) throw usageError('calibrate', '--model is required with --results alone', { option: 'model' })
  const model = /\.json$/i.test(modelId) ? await loadModelConfig(modelId) : getModelSpec(modelId)
  const points: MeasuredPoint[] = [...(file?.points ?? [])]
  const resultHardware = new Set<string>()
  for (const results of (v.results ?? '').split(',').map((s) => s.trim()).filter(Boolean)) {
    const found = await pointsFromResults(results, model.id)
    found.hardware.forEach((h) => resultHardware.add(h))
    points.push(...found.points)
  }
  if (points.length === 0) throw usageError('calibrate', `no measured point of ${model.id}: the results hold no passed run of a real box for it`, { option: 'results' })
  const named = v.hardware ?? (v.gpu === undefined ? file?.hardware ?? (resultHardware.size === 1 ? [...resultHardware][0] : undefined) : undefined)
  if (named === undefined && v.gpu === undefined) throw usageError('calibrate', 'name the box: --hardware <profile> (or --gpu <gpu> --gpus N)', { option: 'hardware' })
  const hardware: HardwareProfile = boxOption('calibrate', { hardware: named, gpu: v.gpu, gpus: v.gpus })
  const dtype = v.dtype ?? file?.dtype ?? 'float16'

  const started = performance.now()
  // A measured server started: a KV-memory refusal of its args is the memory model's miss, and
  // the point still informs step time (src/planner/startable.ts).
  const startable = points.map((point) => startablePoint({ hardware, model, dtype }, point))
  const input = { hardware, model, dtype, points: startable.map((s) => s.point) }
  // Only what the points can tell apart is fitted; the rest keeps its documented default (held-out.ts).
  const warnings = fitWarnings(input.points, fittableConstants(input.points))
  const fitted = { ...input, fit: identifiableConstants(input.points).fit }
  const fit = fitConstants(fitted)
  const loo = leaveOneOut(fitted)
  const heldOut = leaveOneWorkloadOut(input)
  const calibration: Calibration = {
    calibration: 1,
    hardware: hardware.id,
    model: model.id,
    constants: fit.constants as Calibration['constants'],
    fit: {
      points: points.length,
      medianErrorFactor: Number(median(fit.errors.map((e) => e.errorFactor)).toFixed(4)),
      ...(loo.length > 0 ? { leaveOneOutMedianErrorFactor: Number(median(loo.map((e) => e.errorFactor)).toFixed(4)) } : {}),
      ...(heldOut ? { heldOutWorkloadErrorFactor: Number(heldOut.calibrated.toFixed(4)), heldOutWorkloadUncalibratedErrorFactor: Number(heldOut.uncalibrated.toFixed(4)) } : {}),
    },
  }
  await writeFileAtomic(v.out, `${JSON.stringify(calibration, null, 2)}\n`)
  const elapsedS = (performance.now() - started) / 1000
  if (v.json) {
    const miss = (i: number) => (startable[i]!.memoryMiss === undefined ? {} : { memoryMiss: startable[i]!.memoryMiss, pricedWith: startable[i]!.point.args })
    console.log(JSON.stringify({ ...calibration, out: v.out, warnings, ...(heldOut ? { heldOutWorkloads: heldOut.workloads } : {}), points: fit.errors.map((e, i) => ({ label: e.label, fit: e, leaveOneOut: loo[i], ...miss(i) })) }))
    return 0
  }
  console.log(`CALIBRATION of the performance model for ${model.id} on ${hardware.id}: ${points.length} measured point(s), fitted in ${elapsedS.toFixed(1)} s`)
  for (const w of warnings) console.log(`  WARNING: ${w}`)
  console.log('  constant                     default      fitted')
  for (const [key, value] of Object.entries(fit.constants)) {
    console.log(`  ${key.padEnd(28)} ${String(DEFAULT_MODEL_CONSTANTS[key as keyof typeof DEFAULT_MODEL_CONSTANTS]).padStart(8)}  ${Number(value).toPrecision(4).padStart(10)}`)
  }
  for (const s of startable) {
    if (s.memoryMiss !== undefined) {
      console.log(`\n  note: the memory model refuses ${s.point.label} as measured (${s.memoryMiss}); the server ran, so it is fitted with \`${s.point.args}\` (docs/perf-model.md §6)`)
    }
  }
  console.log('\n  per point: predicted/measured after the fit; error factor (1.00 = exact); leave-one-out error factor')
  fit.errors.forEach((e, i) => {
    const out = loo[i]
    console.log(`  ${e.label}\n    fit ×${e.errorFactor.toFixed(2)} (${ratioText(e)})${out ? `\n    leave-one-out ×${out.errorFactor.toFixed(2)} (${ratioText(out)})` : ''}`)
  })
  console.log(`\n  median error factor: fit ×${calibration.fit!.medianErrorFactor!.toFixed(2)}${loo.length > 0 ? `, leave-one-out ×${calibration.fit!.leaveOneOutMedianErrorFactor!.toFixed(2)}` : ' (leave-one-out needs 2+ points)'}`)
  if (heldOut) {
    console.log('\n  leave-one-workload-out: each workload predicted by constants fitted on the other workloads (geometric-mean error factor)')
    for (const w of heldOut.workloads) console.log(`    ${w.workload} (${w.points} point(s)): uncalibrated ×${w.uncalibrated.toFixed(2)} → calibrated ×${w.calibrated.toFixed(2)}`)
    const verdict = heldOut.calibrated < heldOut.uncalibrated ? 'the calibration carries across workloads' : 'the calibration does NOT carry across workloads: do not trust it for other workloads'
    console.log(`    all held-out points: uncalibrated ×${heldOut.uncalibrated.toFixed(2)} → calibrated ×${heldOut.calibrated.toFixed(2)} (${verdict})`)
  } else console.log('\n  leave-one-workload-out needs points of 2+ workloads')
  console.log(`  wrote ${v.out}`)
  return 0
}
