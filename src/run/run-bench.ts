/**
 * One bench of a suite, framework-free: wait for the variant's deploy on the target, measure the
 * workload, and return the result with its verdict. Never throws: the adapter records the result
 * first and then fails the bench with `error`, so nothing measured is lost.
 */
import { isMlnodeBenchError } from '../errors.js'
import { scrub, scrubDeep } from '../outputs/secrets.js'
import type { WorkloadSpec } from '../contracts/workload.js'
import { failureKindOf } from '../report/failure-kind.js'
import type { BenchResult, TargetInfo } from '../contracts/results.js'
import type { HardwareProfile } from '../model/index.js'
import { predictBench } from '../predict/predict-bench.js'
import { calibrationFor } from './calibration.js'
import { failureRateError, measureWorkload } from './measure.js'
import { measurementResolution } from './resolution.js'
import { PartialResult } from './partial-result.js'
import type { WorkloadMetrics } from '../contracts/records.js'
import type { ResolvedDeploymentSuiteOptions } from './suite-options.js'
import type { DeployRequest, Target } from './target.js'

export interface BenchInput {
  suite: ResolvedDeploymentSuiteOptions
  /** The suite file, relative to the project. */
  source: string
  /** The target's kind as configured, until it describes itself. */
  simulated: boolean
  request: DeployRequest
  spec: WorkloadSpec
  target: Target
  /** Where the workload being measured keeps its partial result (src/run/partial-result.ts). @default none */
  partialDir?: string
}

export interface BenchOutcome {
  result: BenchResult
  /** Why the bench failed; its result says so too. */
  error?: unknown
}

export async function runBench(input: BenchInput): Promise<BenchOutcome> {
  // What crosses to the reporters' process is scrubbed here, where every secret of the run is
  // known (a workload file's token variable is read in this process only).
  const outcome = await measureBench(input)
  if (outcome.error instanceof Error) outcome.error.message = scrub(outcome.error.message)
  return { ...outcome, result: scrubDeep(outcome.result) }
}

async function measureBench(input: BenchInput): Promise<BenchOutcome> {
  const { suite, request, spec, target } = input
  const variant = request.variant
  const started = performance.now()
  let info: TargetInfo = { kind: input.simulated ? 'simulated' : 'mlnode', hardware: input.simulated ? suite.hardware : 'unknown' }
  const resultOf = (partial: Partial<BenchResult>): BenchResult => ({
    model: suite.model,
    variant: variant.name,
    workload: spec.name,
    file: input.source,
    status: 'passed',
    target: info,
    args: variant.mlnodeArgs,
    dtype: suite.dtype,
    wallS: (performance.now() - started) / 1000,
    ...partial,
  })
  const predictOnBox = async (box: HardwareProfile) => {
    const constants = calibrationFor(box, request.calibration)
    return predictBench({ box, model: suite.model, dtype: suite.dtype, args: variant.mlnodeArgs, spec, ...(constants ? { constants } : {}) })
  }
  try {
    // The deploy first: it waits for a node that is restarting when the run starts.
    const deployed = await target.ready(request).catch(async (error: unknown) => {
      info = (await target.describe(request).catch(() => undefined))?.info ?? info
      throw error
    })
    // The simulator ran on the calibration's constants: the result says so.
    info = deployed.target.kind === 'simulated' && request.calibration ? { ...deployed.target, calibration: request.calibration.shown } : deployed.target
    const simulatedTime = info.simulatedTime === true
    const endpoint = target.endpoint(request)
    const partial = input.partialDir === undefined ? undefined : new PartialResult(input.partialDir, resultOf({}))
    const measured = await measureWorkload({
      ...(partial ? { onPartial: (metrics: WorkloadMetrics, settled: number, planned: number) => partial.update(resultOf({ ...(deployed.layout ? { layout: deployed.layout } : {}), metrics }), settled, planned) } : {}),
      spec,
      inferenceUrl: endpoint.inferenceUrl,
      model: suite.model,
      ...(endpoint.headers ? { headers: endpoint.headers } : {}),
      simulatedTime,
      timeoutS: suite.workloadTimeoutS,
      progressLabel: `[${suite.model} ${variant.name}] ${spec.name}`,
      maxFailureRate: suite.maxFailureRate,
      ...(suite.slo ? { slo: suite.slo } : {}),
    }).finally(() => partial?.discard())
    const failure = failureRateError(measured, suite.maxFailureRate, `${suite.model} ${variant.name} ${spec.name}`)
    // On a real MLNode of known GPUs, the model's prediction goes beside the measurement.
    const prediction = info.kind === 'mlnode' && deployed.box ? await predictOnBox(deployed.box) : undefined
    const result = resultOf({
      resolution: measurementResolution({ simulatedTime, clientLoopDelay: measured.clientLoopDelay, loadWorkers: measured.loadWorkers }),
      ...(deployed.layout ? { layout: deployed.layout } : {}),
      ...(deployed.readyAfterS === undefined ? {} : { deployS: deployed.readyAfterS }),
      ...(deployed.instanceCap === undefined ? {} : { instanceCap: deployed.instanceCap }),
      metrics: measured.metrics,
      ...(prediction ? { prediction } : {}),
      ...(failure ? { status: 'failed', failure: { kind: 'workload', message: failure.message, code: failure.code } } : {}),
    })
    return failure ? { result, error: failure } : { result }
  } catch (error) {
    const log = (error as { log?: string[] }).log
    const result = resultOf({
      status: 'failed',
      failure: {
        kind: failureKindOf(isMlnodeBenchError(error) ? error.code : undefined, 'workload'),
        message: scrub(error instanceof Error ? error.message : String(error)),
        ...(isMlnodeBenchError(error) ? { code: error.code } : {}),
        ...(log?.length ? { log } : {}),
      },
    })
    return { result, error }
  }
}
