/**
 * `deploymentSuite`: a deployment config as a vitest benchmark suite. Shapes from
 * docs/vitest-bench-mode.md: only file-level hooks run in bench mode; a throwing tinybench `setup` hangs
 * the run, so the deploy's outcome is stored and the body rethrows it; bench bodies have no
 * timeout, so each workload is bounded here; a throwing body is reported as 'pass', so the
 * result on `task.meta` carries its own status for the reporters.
 */
import { relative } from 'node:path'
import { afterAll, describe, inject, TestRunner } from 'vitest'
import type { RunnerTask } from 'vitest'
import { parseVllmArgs, planDeploy } from '../args/index.js'
import { MlnodeBenchError, isMlnodeBenchError, redact } from '../errors.js'
import type { WorkloadSpec } from '../load/types.js'
import { getHardwareProfile } from '../model/index.js'
import { failureKindOf } from '../report/failure-kind.js'
import type { BenchResult, TargetInfo } from '../report/model.js'
import { failureRateError, measureWorkload } from './measure.js'
import { measurementResolution } from './resolution.js'
import { resolveSuiteOptions, type DeploymentSuiteOptions, type ResolvedDeploymentSuiteOptions } from './options.js'
import { prepareVariants, type PreparedVariant } from './prepare.js'
import type { ProvidedTarget, SimulatorEndpoints } from './provided.js'
import { sessionFor, type DeployRequest, type MlnodeSession } from './session.js'
import { watchDeployError } from './watch.js'
import { loadTargetWorkloads } from './workloads.js'
import { registerBench } from './bench-api.js'
import { AS_DEPLOYED, endpointOf, OpenAiSession } from './openai-session.js'
import './meta.js'


function providedTarget(): ProvidedTarget {
  const provided = inject('mlnodeBench')
  if (!provided) {
    throw new MlnodeBenchError('MLNB_CONFIG', "mlnode-bench's globalSetup is not configured: add 'mlnode-bench/global-setup' to test.globalSetup in vitest.config.ts")
  }
  return provided
}

async function sessionTarget(provided: Exclude<ProvidedTarget, { kind: 'openai' }>, hardware: string): Promise<{ mgmtUrl: string; inferenceUrl: string }> {
  if (provided.kind === 'mlnode') return { mgmtUrl: provided.mgmtUrl, inferenceUrl: provided.inferenceUrl ?? provided.mgmtUrl }
  const response = await fetch(`${provided.fleetUrl}/simulators`, { method: 'POST', body: JSON.stringify({ hardware }) })
  const body = (await response.json()) as SimulatorEndpoints & { error?: string }
  if (!response.ok) throw new MlnodeBenchError('MLNB_SIM', `embedded simulator for hardware "${hardware}" did not start: ${body.error}`)
  return { mgmtUrl: body.mgmtUrl, inferenceUrl: body.inferenceUrl }
}


/** What a bench needs of its target: MLNode (or the simulator's), or a plain OpenAI server. */
type BenchSession = MlnodeSession | OpenAiSession

interface BenchContext {
  suite: ResolvedDeploymentSuiteOptions
  source: string
  simulated: boolean
  variant: PreparedVariant
  request: DeployRequest
  spec: WorkloadSpec
  session: () => Promise<BenchSession>
}

/** One bench body: wait for the variant's deploy, measure, record the result on the task. */
async function runBench(task: RunnerTask, ctx: BenchContext): Promise<void> {
  const { suite, variant, spec } = ctx
  const started = performance.now()
  let target: TargetInfo = { kind: ctx.simulated ? 'simulated' : 'mlnode', hardware: ctx.simulated ? suite.hardware : 'unknown' }
  const record = (partial: Partial<BenchResult>): void => {
    task.meta.mlnodeBench = {
      model: suite.model,
      variant: variant.name,
      workload: spec.name,
      file: ctx.source,
      status: 'passed',
      target,
      args: variant.mlnodeArgs,
      dtype: suite.dtype,
      wallS: (performance.now() - started) / 1000,
      ...partial,
    }
  }
  try {
    const session = await ctx.session()
    // The deploy first: it waits for a node that is restarting when the run starts.
    const deployed = await session.ready(ctx.request).catch(async (error: unknown) => {
      target = (await session.describe().catch(() => undefined))?.info ?? target
      throw error
    })
    target = deployed.target
    const simulatedTime = target.simulatedTime === true
    const measured = await measureWorkload({
      spec,
      inferenceUrl: session.target.inferenceUrl,
      model: suite.model,
      ...(session instanceof OpenAiSession ? { headers: session.headers() } : {}),
      simulatedTime,
      timeoutS: suite.workloadTimeoutS,
      progressLabel: `[${suite.model} ${variant.name}] ${spec.name}`,
      maxFailureRate: suite.maxFailureRate,
      ...(suite.slo ? { slo: suite.slo } : {}),
    })
    const failure = failureRateError(measured, suite.maxFailureRate, `${suite.model} ${variant.name} ${spec.name}`)
    const resolution = measurementResolution({ simulatedTime, clientLoopDelay: measured.clientLoopDelay })
    record({
      resolution,
      ...(deployed.layout ? { layout: deployed.layout } : {}),
      // Nothing was deployed on an OpenAI target: no deploy time.
      ...(session instanceof OpenAiSession ? {} : { deployS: deployed.readyAfterS }),
      ...(deployed.instanceCap === undefined ? {} : { instanceCap: deployed.instanceCap }),
      metrics: measured.metrics,
      ...(failure ? { status: 'failed', failure: { kind: 'workload', message: failure.message, code: failure.code } } : {}),
    })
    if (failure) throw failure
  } catch (error) {
    // Metrics and verdict are written before the bench completes (later meta writes may be lost).
    if (task.meta.mlnodeBench?.status !== 'failed') {
      const log = (error as { log?: string[] }).log
      record({
        status: 'failed',
        failure: {
          kind: failureKindOf(isMlnodeBenchError(error) ? error.code : undefined, 'workload'),
          message: redact(error instanceof Error ? error.message : String(error)),
          ...(isMlnodeBenchError(error) ? { code: error.code } : {}),
          ...(log?.length ? { log } : {}),
        },
      })
    }
    throw error
  }
}

/**
 * Registers one bench per variant x workload, named `variant › workload` inside a suite named
 * after the model. Call it once per `*.bench.ts` file, at the top level.
 *
 * All benches of a model sit in ONE suite on purpose: vitest 4.1 aborts the sibling suites that
 * follow a suite in which a bench threw, so a failed variant in its own `describe` would silently
 * skip every later variant (checked on vitest 4.1.12).
 */
export function deploymentSuite(options: DeploymentSuiteOptions): void {
  const suite = resolveSuiteOptions(options)
  const provided = providedTarget()
  let session: Promise<MlnodeSession> | undefined
  // MLNode and the simulator: one session per file. An OpenAI target has one per variant (below).
  const getSession = (): Promise<BenchSession> =>
    provided.kind === 'openai' ? Promise.reject(new MlnodeBenchError('MLNB_CONFIG', 'no MLNode session for an OpenAI target')) : (session ??= sessionTarget(provided, suite.hardware).then(sessionFor))
  // File-level hook (describe-level hooks never run in bench mode): take the last variant down.
  afterAll(async () => {
    if (session) await (await session).close()
  }, 120_000)

  describe(suite.model, () => {
    const file = (TestRunner.getCurrentSuite() as unknown as { file: { filepath: string } }).file.filepath
    const source = relative(process.cwd(), file) || file
    const simulated = provided.kind === 'simulated'
    const runMode = inject('mlnodeBenchRunMode')
    if (provided.kind === 'mlnode' && runMode?.watch && !runMode.allowWatch && !suite.allowWatch) throw watchDeployError(source, provided.mgmtUrl)
    // Everything is validated here, at collection: a bad suite fails before anything deploys.
    const gpuCount = simulated ? getHardwareProfile(suite.hardware).gpuCount : undefined
    const openai = provided.kind === 'openai' ? provided : undefined
    // A plain OpenAI server: the variants with an endpoint, or the one running as deployed.
    const variants = openai
      ? suite.openaiEndpoints
        ? prepareVariants(suite, source, gpuCount).filter((v) => suite.openaiEndpoints![v.name] !== undefined)
        : [{ name: AS_DEPLOYED, ...planDeploy(suite.model, parseVllmArgs([])) }]
      : prepareVariants(suite, source, gpuCount)
    // Both workload fields are checked whichever the target: a broken production profile fails here too.
    const workloads = loadTargetWorkloads({ workloads: suite.workloads, simulatorWorkloads: options.simulatorWorkloads }, file, simulated)

    for (const variant of variants) {
      const request: DeployRequest = {
        model: suite.model,
        dtype: suite.dtype,
        variant,
        deployTimeoutS: suite.deployTimeoutS,
        ...(suite.logCommand ? { logCommand: suite.logCommand } : {}),
      }
      for (const spec of workloads) {
        const session = openai ? () => Promise.resolve(new OpenAiSession({ inferenceUrl: endpointOf(variant.name, suite.openaiEndpoints, openai.inferenceUrl, source) }, openai.apiKeyEnv)) : getSession
        const ctx: BenchContext = { suite, source, simulated, variant, request, spec, session }
        registerBench({
          name: `${variant.name} › ${spec.name}`,
          // Deploy before the timed body; never throws (the body reports a failed deploy).
          prepare: async () => (await session().catch(() => undefined))?.prepare(request),
          body: (task) => runBench(task, ctx),
          timeoutMs: (suite.deployTimeoutS + suite.workloadTimeoutS + 120) * 1000,
        })
      }
    }
  })
}
