/**
 * One bench of a suite, framework-free: wait for the variant's deploy on the target, measure the
 * workload, and return the result with its verdict. Never throws: the adapter records the result
 * first and then fails the bench with `error`, so nothing measured is lost.
 */
import { failureKindOf, isMlnodeBenchError } from '../errors.js'
import { scrub, scrubDeep } from '../outputs/secrets.js'
import type { WorkloadSpec } from '../contracts/workload.js'
import type { BenchResult, GpuTelemetry, ServerTelemetry, SweepResult, TargetInfo } from '../contracts/results.js'
import { measureSweep } from './measure-sweep.js'
import type { HardwareProfile } from '../model/index.js'
import { predictBench } from '../planner/predict-bench.js'
import { networkModelRef } from '../network/registry.js'
import { calibrationFor } from './calibration.js'
import { failureRateError, measureWorkload } from './measure.js'
import { measureRepeats, repeatPlan } from './measure-repeats.js'
import { measurePoc } from '../poc/measure-poc.js'
import { predictPocBench } from '../poc/predict-poc.js'
import { measurementResolution } from './resolution.js'
import { SIMULATED_TIME_TELEMETRY_INTERVAL_S, startServerTelemetry } from '../telemetry/sampler.js'
import { startBenchGpuTelemetry } from '../telemetry/bench-gpu.js'
import { PartialResult } from './partial-result.js'
import type { WorkloadMetrics } from '../contracts/records.js'
import type { ResolvedDeploymentSuiteOptions } from './suite-options.js'
import type { DeployRequest, Target } from './target.js'
import type { RunEvents } from './events.js'
import type { ValidationPlan } from '../validation/options.js'
import { runValidationBench } from './validation-bench.js'

export interface BenchInput {
  suite: ResolvedDeploymentSuiteOptions
  /** The suite file, relative to the project. */
  source: string
  /** How the result is labelled until the target describes itself (its kind's `resultKind`). */
  targetKind: TargetInfo['kind']
  request: DeployRequest
  spec: WorkloadSpec
  target: Target
  /** Set on a `variant › validation` bench: the network's validation instead of a workload. */
  validation?: ValidationPlan
  /** Where the workload being measured keeps its partial result (src/run/partial-result.ts). @default none */
  partialDir?: string
  /** Where the workload's progress and the bench's verdict are told (events.ts). @default untold */
  events?: RunEvents
}

export interface BenchOutcome {
  result: BenchResult
  /** Why the bench failed; its result says so too. */
  error?: unknown
}

export async function runBench(input: BenchInput): Promise<BenchOutcome> {
  // What crosses to the reporters' process is scrubbed here, where every secret of the run is
  // known (a workload file's token variable is read in this process only).
  const measured = await measureBench(input)
  if (measured.error instanceof Error) measured.error.message = scrub(measured.error.message)
  const outcome = { ...measured, result: scrubDeep(measured.result) }
  input.events?.emit('workload-verdict', outcome)
  return outcome
}

async function measureBench(input: BenchInput): Promise<BenchOutcome> {
  if (input.validation) return runValidationBench(input, input.validation)
  const { suite, request, spec, target } = input
  const variant = request.variant
  const started = performance.now()
  const simulated = input.targetKind === 'simulated'
  let info: TargetInfo = { kind: input.targetKind, hardware: simulated ? suite.hardware : 'unknown' }
  const resultOf = (partial: Partial<BenchResult>): BenchResult => ({
    model: suite.model,
    variant: variant.name,
    workload: spec.name,
    file: input.source,
    status: 'passed',
    target: info,
    args: variant.mlnodeArgs,
    dtype: suite.dtype,
    ...(suite.networkModel ? { networkModel: networkModelRef(suite.networkModel) } : {}),
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
    const deployFields = {
      ...(deployed.layout ? { layout: deployed.layout } : {}),
      ...(deployed.readyAfterS === undefined ? {} : { deployS: deployed.readyAfterS }),
      ...(deployed.deployStart ? { deployStart: deployed.deployStart } : {}),
      ...(deployed.instanceCap === undefined ? {} : { instanceCap: deployed.instanceCap }),
      ...(deployed.environment ? { environment: deployed.environment } : {}),
      ...(deployed.vllmStartup ? { vllmStartup: deployed.vllmStartup } : {}),
      ...(deployed.notes?.length ? { notes: deployed.notes } : {}),
    }
    // A PoC workload measures PoC generation instead of a load (src/poc, docs/poc.md).
    if (spec.poc !== undefined) {
      const subject = `${suite.model} ${variant.name} ${spec.name}`
      const gpus = deployed.layout?.gpuCount ?? (await target.describe(request).then((d) => d.gpuCount).catch(() => 0))
      const measured = await measurePoc({ spec, mgmtUrl: endpoint.mgmtUrl, model: suite.model, gpus, simulatedTime, timeoutS: suite.workloadTimeoutS, subject })
      const failure = measured.error
      // On real GPUs of a known kind, the model's PoC price goes beside the measurement.
      const constants = deployed.box ? calibrationFor(deployed.box, request.calibration) : undefined
      const prediction = info.kind !== 'simulated' && deployed.box ? await predictPocBench({ box: deployed.box, model: suite.model, dtype: suite.dtype, args: variant.mlnodeArgs, seqLen: measured.poc.seqLen, ...(measured.poc.batchSize === undefined ? {} : { batchSize: measured.poc.batchSize }), ...(constants ? { constants } : {}) }) : undefined
      const result = resultOf({ ...deployFields, poc: measured.poc, ...(prediction ? { prediction } : {}), ...(failure ? { status: 'failed', failure: { kind: 'workload', message: failure.message, code: failure.code } } : {}) })
      return failure ? { result, error: failure } : { result }
    }
    // A sweep measures one ordinary workload per load step and folds them (measure-sweep.ts).
    if (spec.sweep !== undefined) {
      const partial = input.partialDir === undefined ? undefined : new PartialResult(input.partialDir, resultOf({}))
      const measured = await measureSweep({
        spec,
        suite,
        subject: `${suite.model} ${variant.name} ${spec.name}`,
        label: `[${suite.model} ${variant.name}] ${spec.name}`,
        inferenceUrl: endpoint.inferenceUrl,
        ...(endpoint.headers ? { headers: endpoint.headers } : {}),
        simulatedTime,
        ...(input.events ? { events: input.events } : {}),
        ...(partial ? { onStep: (sweep: SweepResult, settled: number, planned: number) => partial.update(resultOf({ ...deployFields, sweep }), settled, planned) } : {}),
      }).finally(() => partial?.discard())
      const failure = measured.failure
      const result = resultOf({
        ...(measured.clientLoopDelay ? { resolution: measurementResolution({ simulatedTime, clientLoopDelay: measured.clientLoopDelay, loadWorkers: measured.loadWorkers }) } : {}),
        ...deployFields,
        sweep: measured.sweep,
        ...(failure ? { status: 'failed', failure: { kind: 'workload', message: failure.message, code: failure.code } } : {}),
      })
      return failure ? { result, error: failure } : { result }
    }
    // vLLM's own view while the load runs (KV use, queue, preemptions); never fails the workload.
    const sources = target.metricsSources(request, deployed)
    // On simulated time a workload takes a second or two of wall time: sample often (the gauges are then approximate, the counters exact).
    const intervalS = simulatedTime ? SIMULATED_TIME_TELEMETRY_INTERVAL_S : suite.telemetryIntervalS
    const telemetry = startServerTelemetry(sources.urls, { intervalS, ...(endpoint.headers ? { headers: endpoint.headers } : {}) }, sources.unavailable)
    let serverTelemetry: ServerTelemetry | undefined
    // And the GPUs' (MLNode's GPU route, the suite's power command): never fails the workload either.
    const gpuRecorder = startBenchGpuTelemetry({ target: info, ...(endpoint.mgmtUrl ? { mgmtUrl: endpoint.mgmtUrl } : {}), ...(suite.powerCommand ? { powerCommand: suite.powerCommand } : {}), intervalS, ...(deployed.layout ? { layout: deployed.layout } : {}) })
    const partial = input.partialDir === undefined ? undefined : new PartialResult(input.partialDir, resultOf({}))
    // Suite option `repeats`: the workload N times, folded into one result (measure-repeats.ts).
    const plan = repeatPlan(suite)
    const subject = `${suite.model} ${variant.name} ${spec.name}`
    const { measured, repeats } = await measureRepeats(
      plan,
      suite.maxFailureRate,
      subject,
      (repeat) =>
        measureWorkload({
          ...(partial ? { onPartial: (metrics: WorkloadMetrics, settled: number, planned: number) => partial.update(resultOf({ ...(deployed.layout ? { layout: deployed.layout } : {}), metrics }), settled, planned) } : {}),
          spec,
          inferenceUrl: endpoint.inferenceUrl,
          model: suite.model,
          ...(endpoint.headers ? { headers: endpoint.headers } : {}),
          simulatedTime,
          timeoutS: suite.workloadTimeoutS,
          ...(input.events ? { events: input.events } : {}),
          label: `[${suite.model} ${variant.name}] ${spec.name}${plan.count > 1 ? ` (repeat ${repeat}/${plan.count})` : ''}`,
          maxFailureRate: suite.maxFailureRate,
          ...(suite.slo ? { slo: suite.slo } : {}),
        }),
      target.redeploy ? async () => void (await target.redeploy!(request)) : undefined,
    )
      .catch(async (error: unknown) => {
        await gpuRecorder.stop()
        throw error
      })
      .finally(async () => (serverTelemetry = await telemetry.stop()))
      .finally(() => partial?.discard())
    const gpuTelemetry: GpuTelemetry = await gpuRecorder.stop({ outputTokens: measured.metrics.outputTokens, durationS: measured.metrics.durationS })
    const failure = failureRateError(measured, suite.maxFailureRate, subject)
    // On real GPUs of a known kind, the model's prediction goes beside the measurement.
    const prediction = info.kind !== 'simulated' && deployed.box ? await predictOnBox(deployed.box) : undefined
    const result = resultOf({
      resolution: measurementResolution({ simulatedTime, clientLoopDelay: measured.clientLoopDelay, loadWorkers: measured.loadWorkers }),
      ...deployFields,
      metrics: measured.metrics,
      ...(repeats ? { repeats } : {}),
      ...(prediction ? { prediction } : {}),
      ...(serverTelemetry ? { serverTelemetry } : {}),
      gpuTelemetry,
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
