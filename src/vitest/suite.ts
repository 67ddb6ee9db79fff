/**
 * `deploymentSuite`: a deployment config as a vitest benchmark suite. The run logic is in
 * src/run; this adapter only registers the benches. Shapes from docs/vitest-bench-mode.md: only
 * file-level hooks run in bench mode; a throwing tinybench `setup` hangs the run, so the deploy's
 * outcome is stored and the body rethrows it; a throwing body is reported as 'pass', so the
 * result on `task.meta` carries its own status for the reporters.
 */
import { relative } from 'node:path'
import { afterAll, describe, inject, TestRunner } from 'vitest'
import { MlnodeBenchError } from '../errors.js'
import { useNetworkRegistry } from '../network/registry.js'
import { attachConsole } from '../run/console-subscriber.js'
import { createTarget } from '../run/create-target.js'
import { RunEvents } from '../run/events.js'
import { targetKindOf } from '../run/targets/registry.js'
import { suiteBenches } from '../run/suite-benches.js'
import { runBench } from '../run/run-bench.js'
import { resolveSuiteOptions, type DeploymentSuiteOptions } from '../run/suite-options.js'
import { resolveSuiteHardware } from '../run/suite-hardware.js'
import type { Target } from '../run/target.js'
import type { ProvidedTarget } from '../run/target-config.js'
import { registerBench } from './bench-api.js'
import './meta.js'
import './provided.js'

function providedTarget(): ProvidedTarget {
  const provided = inject('mlnodeBench')
  if (!provided) {
    throw new MlnodeBenchError('MLNB_CONFIG', "mlnode-bench's globalSetup is not configured: add 'mlnode-bench/global-setup' to test.globalSetup in vitest.config.ts")
  }
  return provided
}

/**
 * The run's events in this worker, told on Vitest's console (console.log in a suite: reporters
 * see the lines, --silent quiets them).
 */
const events = new RunEvents()
attachConsole(events)

/**
 * Registers one bench per variant x workload, named `variant › workload` inside a suite named
 * after the model. Call it once per `*.bench.ts` file, at the top level.
 *
 * All benches of a model sit in ONE suite on purpose: vitest 4.1 aborts the sibling suites that
 * follow a suite in which a bench threw, so a failed variant in its own `describe` would silently
 * skip every later variant (checked on vitest 4.1.12).
 */
export function deploymentSuite(options: DeploymentSuiteOptions): void {
  // The run's live network registry when the global setup read one; networkModelEntry() answers from it too.
  const networkModels = inject('mlnodeBenchNetworkModels')
  useNetworkRegistry(networkModels)
  const suite = networkModels ? resolveSuiteOptions(options, networkModels) : resolveSuiteOptions(options)
  const config = providedTarget()
  let target: Target | undefined
  // File-level hook (describe-level hooks never run in bench mode): take the last variant down.
  afterAll(async () => {
    await target?.close()
  }, 120_000)

  describe(suite.model, () => {
    const file = (TestRunner.getCurrentSuite() as unknown as { file: { filepath: string } }).file.filepath
    const source = relative(process.cwd(), file) || file
    // Everything is validated here, at collection: a bad suite fails before anything deploys.
    // A hardware file named relative to the suite file: relative to the run's cwd from here on (suite-hardware.ts).
    suite.hardware = resolveSuiteHardware(suite.hardware, file)
    const benches = suiteBenches({ options, suite, config, runMode: inject('mlnodeBenchRunMode'), file, source })
    const suiteTarget = (target = createTarget(config, { hardware: suite.hardware, source, ...(suite.openaiEndpoints ? { openaiEndpoints: suite.openaiEndpoints } : {}), events }))
    for (const bench of benches) {
      registerBench({
        name: bench.name,
        // Deploy before the timed body; never throws (the body reports a failed deploy).
        prepare: () => suiteTarget.prepare(bench.request),
        body: async (task) => {
          const partialDir = inject('mlnodeBenchPartialDir')
          const outcome = await runBench({ suite, source, targetKind: targetKindOf(config).resultKind, request: bench.request, spec: bench.spec, target: suiteTarget, ...(bench.validation ? { validation: bench.validation } : {}), ...(partialDir ? { partialDir } : {}), events })
          // Metrics and verdict are written before the bench completes (later meta writes may be lost).
          task.meta.mlnodeBench = outcome.result
          if (outcome.error !== undefined) throw outcome.error
        },
        // A sweep runs up to `steps` workloads, each bounded by workloadTimeoutS.
        timeoutMs: (suite.deployTimeoutS + suite.workloadTimeoutS * (bench.spec.sweep?.steps ?? 1) + 120) * 1000,
      })
    }
  })
}
