/**
 * One target kind, registered once (registry.ts): how the environment chooses it, what the
 * Vitest globalSetup starts and stops in the main process and hands to the workers, how a worker
 * creates a suite's `Target`, and how its results are labelled and planned. Every place that
 * used to switch on the kind (select-target, global-setup, create-target, plan-suite, run-bench)
 * reads the descriptor instead, so a new kind is one file plus one registration line.
 */
import type { RunEvents } from '../events.js'
import type { EnvVariable } from '../../contracts/env-variable.js'
import type { MlnodeBenchError } from '../../errors.js'
import type { TargetInfo } from '../../contracts/results.js'
import type { PreparedVariant } from '../prepare-variants.js'
import type { ResolvedDeploymentSuiteOptions } from '../suite-options.js'
import type { Target } from '../target.js'

/** What the environment chose: plain data with the line printed when the run starts. */
export interface ChoiceBase {
  kind: string
  /** One line naming the target (credentials redacted). */
  banner: string
}

/** What the main process hands to the workers (plain data: it crosses `project.provide`). */
export interface ConfigBase {
  kind: string
}

/** The run as globalSetup sees it. */
export interface TargetRun {
  /** The Vitest project's root: relative paths of the environment resolve from it. */
  root: string
  /** `vitest bench` without `--run`. */
  watch: boolean
  /** MLNODE_BENCH_ALLOW_WATCH=1. */
  allowWatch: boolean
  /** Where a Ctrl-C handler says what it does (the main process's stderr). */
  notify: (line: string) => void
}

export interface TargetSetUp<Config extends ConfigBase> {
  config: Config
  /** Stops what setUp started (end of the run); Ctrl-C handlers are removed here too. */
  teardown?: () => Promise<void> | void
}

/** What a worker knows of the suite its target serves. */
export interface SuiteTargetInput {
  /** Hardware profile the embedded simulator emulates (or a hardware file). */
  hardware: string
  /** Variant → endpoint of a plain OpenAI target. */
  openaiEndpoints?: Readonly<Record<string, string>>
  /** The suite file, for errors. */
  source: string
  /** Where deploys are told (events.ts). @default untold */
  events?: RunEvents
}

export interface TargetKind<Choice extends ChoiceBase = ChoiceBase, Config extends ConfigBase = ConfigBase> {
  /** The MLNODE_BENCH_TARGET value. */
  name: string
  /** The `kind` its choice and its config carry. */
  kind: Config['kind'] & Choice['kind']
  /** One line for errors and the README: what it measures. */
  summary: string
  /** Chosen without MLNODE_BENCH_TARGET when this says so (MLNODE_URL set → mlnode). */
  impliedBy?(env: NodeJS.ProcessEnv): boolean
  /** Chosen when MLNODE_BENCH_TARGET is unset and no kind is implied (the simulator). */
  fallback?: boolean
  /** Its own environment variables, for the table of every variable (src/environment.ts, README). */
  environment?: readonly EnvVariable[]
  /** Reads and checks its variables. @throws MlnodeBenchError MLNB_CONFIG naming the variable and value. */
  select(env: NodeJS.ProcessEnv): Choice
  /** Main process, before any suite: starts what the kind needs and returns what the workers get. */
  setUp(choice: Choice, run: TargetRun): Promise<TargetSetUp<Config>>
  /** A worker's target for one suite. @throws MlnodeBenchError MLNB_CONFIG on a bad URL. */
  create(config: Config, suite: SuiteTargetInput): Target
  /** Numbers from the embedded simulator: planned on the suite's hardware profile and simulator workloads. */
  simulated: boolean
  /** How a result is labelled before the target described itself (a deploy that failed first). */
  resultKind: TargetInfo['kind']
  /** Real GPUs, matched against the suite's hardware file (MLNODE_BENCH_HARDWARE) for the model's checks. */
  matchesGpus: boolean
  /** Deploys on real GPUs: watch mode (every save redeploys) is refused unless allowed. */
  watchRefusal?(config: Config, source: string): MlnodeBenchError
  /** The variants a suite measures; default: every variant. */
  variants?(suite: ResolvedDeploymentSuiteOptions, prepared: () => PreparedVariant[]): PreparedVariant[]
}
