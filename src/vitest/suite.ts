/**
 * `deploymentSuite`: a deployment config as a vitest benchmark suite. Shapes from
 * vitest-bench.md: only file-level hooks run in bench mode; a throwing tinybench `setup` hangs
 * the run, so the deploy's outcome is stored and the body rethrows it; bench bodies have no
 * timeout, so each workload is bounded here; a throwing body is reported as 'pass', so the
 * result on `task.meta` carries its own status for the reporters.
 */
import { relative } from 'node:path'
import { afterAll, bench, describe, inject, TestRunner } from 'vitest'
import type { RunnerTask as Task } from 'vitest'
import { MlnodeBenchError, isMlnodeBenchError, redact } from '../errors.js'
import { getHardwareProfile } from '../model/index.js'
import type { BenchResult, FailureKind, TargetInfo } from '../report/model.js'
import { failureRateError, measureWorkload } from './measure.js'
import { resolveSuiteOptions, type DeploymentSuiteOptions } from './options.js'
import { prepareVariants } from './prepare.js'
import type { ProvidedTarget, SimulatorEndpoints } from './provided.js'
import { sessionFor, type DeployRequest, type MlnodeSession } from './session.js'
import { loadSuiteWorkloads } from './workloads.js'
import './meta.js'

/** tinybench options that call the body exactly once, with no warm-up. */
const ONCE = { iterations: 1, time: 0, warmupIterations: 0, warmupTime: 0 } as const

function providedTarget(): ProvidedTarget {
  const provided = inject('mlnodeBench')
  if (!provided) {
    throw new MlnodeBenchError('MLNB_CONFIG', "mlnode-bench's globalSetup is not configured: add 'mlnode-bench/global-setup' to test.globalSetup in vitest.config.ts")
  }
  return provided
}

async function sessionTarget(provided: ProvidedTarget, hardware: string): Promise<{ mgmtUrl: string; inferenceUrl: string }> {
  if (provided.kind === 'mlnode') return { mgmtUrl: provided.mgmtUrl, inferenceUrl: provided.inferenceUrl ?? provided.mgmtUrl }
  const response = await fetch(`${provided.fleetUrl}/simulators`, { method: 'POST', body: JSON.stringify({ hardware }) })
  const body = (await response.json()) as SimulatorEndpoints & { error?: string }
  if (!response.ok) throw new MlnodeBenchError('MLNB_SIM', `embedded simulator for hardware "${hardware}" did not start: ${body.error}`)
  return { mgmtUrl: body.mgmtUrl, inferenceUrl: body.inferenceUrl }
}

function failureKind(error: unknown): FailureKind {
  const code = isMlnodeBenchError(error) ? error.code : ''
  if (code === 'MLNB_DEPLOY_FAILED' || code.startsWith('MLNB_MLNODE') || code === 'MLNB_DEPLOY_TIMEOUT' || code === 'MLNB_LAYOUT') return 'deploy'
  if (code === 'MLNB_ARGS_GUARD') return 'guard'
  return 'workload'
}

/**
 * Registers one bench per variant x workload, grouped as `model › variant › workload`.
 * Call it at the top level of a `*.bench.ts` file.
 */
export function deploymentSuite(options: DeploymentSuiteOptions): void {
  const suite = resolveSuiteOptions(options)
  const provided = providedTarget()
  let session: Promise<MlnodeSession> | undefined
  const getSession = () => (session ??= sessionTarget(provided, suite.hardware).then(sessionFor))
  // File-level hook (describe-level hooks never run in bench mode).
  afterAll(async () => {
    if (session) await (await session).close()
  }, 120_000)

  describe(suite.model, () => {
    const file = (TestRunner.getCurrentSuite() as unknown as { file: { filepath: string } }).file.filepath
    const source = relative(process.cwd(), file) || file
    const simulated = provided.kind === 'simulated'
    const gpuCount = simulated ? getHardwareProfile(suite.hardware).gpuCount : undefined
    const variants = prepareVariants(suite, source, gpuCount)
    const workloads = loadSuiteWorkloads(simulated ? suite.simulatorWorkloads : suite.workloads, file, simulated ? 'simulatorWorkloads' : 'workloads')

    for (const variant of variants) {
      const request: DeployRequest = {
        model: suite.model,
        dtype: suite.dtype,
        variant,
        deployTimeoutS: suite.deployTimeoutS,
        ...(suite.logCommand ? { logCommand: suite.logCommand } : {}),
      }
      describe(variant.name, () => {
        for (const spec of workloads) {
          const tasks: Task[] = []
          bench(
            spec.name,
            async () => {
              const task = tasks[0]!
              const started = performance.now()
              let target: TargetInfo = { kind: simulated ? 'simulated' : 'mlnode', hardware: simulated ? suite.hardware : 'unknown', url: '' }
              const result = (partial: Partial<BenchResult>): BenchResult => ({
                model: suite.model,
                variant: variant.name,
                workload: spec.name,
                file: source,
                status: 'passed',
                target,
                args: variant.mlnodeArgs,
                wallS: (performance.now() - started) / 1000,
                ...partial,
              })
              try {
                const s = await getSession()
                target = (await s.describe()).info
                const deployed = await s.ready(request)
                const measured = await measureWorkload({
                  spec,
                  inferenceUrl: s.target.inferenceUrl,
                  model: suite.model,
                  speed: target.kind === 'simulated' ? (target.speed ?? 1) : 1,
                  timeoutS: suite.workloadTimeoutS,
                  ...(suite.slo ? { slo: suite.slo } : {}),
                })
                const failure = failureRateError(measured, suite.maxFailureRate, `${suite.model} ${variant.name} ${spec.name}`)
                task.meta.mlnodeBench = result({
                  layout: deployed.layout,
                  metrics: measured.metrics,
                  ...(failure ? { status: 'failed', failure: { kind: 'workload', message: failure.message, code: failure.code } } : {}),
                })
                if (failure) throw failure
              } catch (error) {
                if (task.meta.mlnodeBench?.status !== 'failed') {
                  const message = redact(error instanceof Error ? error.message : String(error))
                  const log = (error as { log?: string[] }).log
                  task.meta.mlnodeBench = result({
                    status: 'failed',
                    failure: { kind: failureKind(error), message, ...(isMlnodeBenchError(error) ? { code: error.code } : {}), ...(log?.length ? { log } : {}) },
                  })
                }
                throw error
              }
            },
            {
              ...ONCE,
              // Deploy before the workload's timed body; errors are stored, never thrown here.
              setup: async (_task, mode) => {
                if (mode === 'run') await (await getSession().catch(() => undefined))?.prepare(request)
              },
            },
          )
          tasks.push(TestRunner.getCurrentSuite().tasks.at(-1) as Task)
        }
      })
    }
  })
}
