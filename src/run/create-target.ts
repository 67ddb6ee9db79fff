/** The target a suite runs against, from the run's target config: its kind's `create` (targets/registry.ts). */
import type { SuiteTargetInput } from './targets/kind.js'
import { targetKindOf } from './targets/registry.js'
import type { Target } from './target.js'
import type { ProvidedTarget } from './target-config.js'

export type { SuiteTargetInput }

export function createTarget(config: ProvidedTarget, suite: SuiteTargetInput): Target {
  return targetKindOf(config).create(config, suite)
}
