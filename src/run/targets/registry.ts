/**
 * Every target kind the run can measure, in one list: the only place a kind is registered.
 * Order matters only for `impliedBy` (the first kind the environment implies wins).
 */
import { MlnodeBenchError } from '../../errors.js'
import type { ChoiceBase, ConfigBase, TargetKind } from './kind.js'
import { mlnodeTargetKind } from './mlnode.js'
import { openAiTargetKind } from './openai.js'
import { simTargetKind } from './sim.js'
import { vllmTargetKind } from './vllm.js'

export const TARGET_KINDS = [mlnodeTargetKind, simTargetKind, openAiTargetKind, vllmTargetKind] as const

type Registered = (typeof TARGET_KINDS)[number]
type AnyKind = TargetKind<ChoiceBase, ConfigBase>

/** What the environment chose (select-target.ts), one member per registered kind. */
export type TargetChoice = Registered extends infer K ? (K extends TargetKind<infer C, ConfigBase> ? C : never) : never
/** What globalSetup hands to the workers, one member per registered kind. */
export type ProvidedTarget = Registered extends infer K ? (K extends TargetKind<ChoiceBase, infer P> ? P : never) : never

const kinds = TARGET_KINDS as readonly AnyKind[]

/** The registered names, as a user sets MLNODE_BENCH_TARGET: "mlnode, sim or openai". */
export function targetKindNames(): string {
  const names = kinds.map((k) => k.name)
  return names.length === 1 ? names[0]! : `${names.slice(0, -1).join(', ')} or ${names.at(-1)}`
}

/**
 * MLNODE_BENCH_TARGET when set, else the first kind the environment implies, else the fallback.
 * @throws MlnodeBenchError MLNB_CONFIG for a name no kind is registered under.
 */
export function targetKindFromEnv(env: NodeJS.ProcessEnv): AnyKind {
  const name = env.MLNODE_BENCH_TARGET
  if (name) {
    const named = kinds.find((k) => k.name === name)
    if (!named) throw new MlnodeBenchError('MLNB_CONFIG', `environment variable MLNODE_BENCH_TARGET=${JSON.stringify(name)} must be ${targetKindNames()}`, { details: { env: 'MLNODE_BENCH_TARGET', value: name } })
    return named
  }
  return kinds.find((k) => k.impliedBy?.(env)) ?? kinds.find((k) => k.fallback)!
}

/**
 * The kind of a choice or a provided config (their `kind` field).
 * @throws MlnodeBenchError MLNB_CONFIG for a config of no registered kind (a globalSetup of another version).
 */
export function targetKindOf(config: ConfigBase): AnyKind {
  const kind = kinds.find((k) => k.kind === config.kind)
  if (!kind) throw new MlnodeBenchError('MLNB_CONFIG', `target kind ${JSON.stringify(config.kind)} is not registered (src/run/targets/registry.ts)`, { details: { kind: config.kind } })
  return kind
}
