/**
 * A workload measured `repeats` times in one run (suite option `repeats`, MLNODE_BENCH_REPEATS),
 * optionally redeploying the variant before each repeat after the first
 * (`redeployBetweenRepeats`, MLNODE_BENCH_REDEPLOY_REPEATS=1), folded into one measurement
 * (fold-repeats.ts). A repeat that fails stops the repeats: the result is that repeat's, failed.
 * A redeploy that fails throws (the bench's deploy failure).
 */
import type { RepeatSummary } from '../contracts/results.js'
import { envCount, envFlag } from './env-options.js'
import { foldRepeats } from './fold-repeats.js'
import { failureRateError, type Measured } from './measure.js'
import type { ResolvedDeploymentSuiteOptions } from './suite-options.js'

export interface RepeatPlan {
  count: number
  redeploy: boolean
}

/** The suite's repeats, MLNODE_BENCH_REPEATS / MLNODE_BENCH_REDEPLOY_REPEATS winning over it. */
export function repeatPlan(suite: Pick<ResolvedDeploymentSuiteOptions, 'repeats' | 'redeployBetweenRepeats'>, env: NodeJS.ProcessEnv = process.env): RepeatPlan {
  return { count: envCount('MLNODE_BENCH_REPEATS', env) ?? suite.repeats ?? 1, redeploy: envFlag('MLNODE_BENCH_REDEPLOY_REPEATS', env) || suite.redeployBetweenRepeats === true }
}

export interface RepeatedMeasurement {
  measured: Measured
  /** Set when two measurements or more were folded. */
  repeats?: RepeatSummary
}

/**
 * Runs `measureOnce` `plan.count` times (`redeploy` before each after the first, when asked and
 * the target can) and folds the measurements.
 */
export async function measureRepeats(
  plan: RepeatPlan,
  maxFailureRate: number,
  subject: string,
  measureOnce: (repeat: number) => Promise<Measured>,
  redeploy: (() => Promise<void>) | undefined,
): Promise<RepeatedMeasurement> {
  const all: Measured[] = []
  for (let repeat = 1; repeat <= plan.count; repeat++) {
    if (repeat > 1 && plan.redeploy && redeploy) await redeploy()
    const measured = await measureOnce(repeat)
    // A failed repeat is the result (what it measured, why it failed); the figures of the earlier
    // ones stay in `repeats`, never judged (a failed result is neither compared nor accepted).
    if (failureRateError(measured, maxFailureRate, subject) !== undefined) {
      return all.length === 0 ? { measured } : { measured, repeats: foldRepeats([...all, measured].map((m) => m.metrics), plan.redeploy && redeploy !== undefined).repeats }
    }
    all.push(measured)
  }
  if (all.length === 1) return { measured: all[0]! }
  const folded = foldRepeats(all.map((m) => m.metrics), plan.redeploy && redeploy !== undefined)
  return {
    measured: {
      metrics: folded.metrics,
      failureSamples: [...new Set(all.flatMap((m) => m.failureSamples))].slice(0, 3),
      // The measurement is as precise as its worst repeat.
      clientLoopDelay: {
        p99Ms: Math.max(...all.map((m) => m.clientLoopDelay.p99Ms)),
        maxMs: Math.max(...all.map((m) => m.clientLoopDelay.maxMs)),
        stalledMs: all.reduce((a, m) => a + m.clientLoopDelay.stalledMs, 0),
        wallMs: all.reduce((a, m) => a + m.clientLoopDelay.wallMs, 0),
      },
      loadWorkers: all[0]!.loadWorkers,
    },
    repeats: folded.repeats,
  }
}
