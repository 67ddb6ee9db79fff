/**
 * Run-level noise of the simulator: what makes two runs of the same code on a real box differ
 * although thousands of engine steps average the per-step jitter out (GPU clocks and thermals,
 * another tenant, a different replica placement, a cold kernel cache).
 *
 * Model (docs/gate.md "Run-level noise"): at every deployment (`up`) the simulator draws
 * - one factor per GPU of the node (clocks, thermals, neighbours), and
 * - one factor per replica (placement, kernel cache, NCCL set-up),
 * each log-normal with mean 1 and coefficient of variation `level`, from a stream seeded by the
 * simulator's run-noise seed and the deployment's number (the same seed, the same factors).
 * A replica's every step then takes `replica factor × max(factors of its GPUs)`: under tensor or
 * pipeline parallelism a step ends when the slowest rank does (all-reduce and stage hand-off).
 * Log-normal rather than a clipped normal: a duration factor is positive by construction, and
 * its slight right skew is the way slow boxes are (a factor of 0.9 is rarer than one of 1.1).
 * Repeats in one deployment share the factors; a redeploy draws new ones.
 */
import { createNoiseFactors, hashString } from './rng.js'

/** Step-time factor of each replica of one deployment (1 for every replica when `level` is 0). */
export function runNoiseFactors(level: number, seed: number, deployment: number, replicas: number, gpusPerReplica: number): number[] {
  if (!(level > 0)) return Array.from({ length: replicas }, () => 1)
  const draw = createNoiseFactors(level, hashString(`run-noise-${deployment}`, seed))
  const gpus = Array.from({ length: replicas * gpusPerReplica }, () => draw())
  return Array.from({ length: replicas }, (_, i) => draw() * Math.max(...gpus.slice(i * gpusPerReplica, (i + 1) * gpusPerReplica)))
}
