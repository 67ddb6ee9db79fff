/** Options of the embedded simulator: user input (`SimulatorOptions`) and resolved defaults. */
import { MlnodeBenchError } from '../errors.js'
import { DEFAULT_HARDWARE_PROFILE_ID } from '../model/index.js'
import type { LifecycleTimings } from './deployment.js'
import { DEFAULT_EOS_PER_TOKEN } from './text.js'
import type { VariantResolver } from './variant.js'

/** Options of `startSimulator` (every field optional; defaults in @default). */
export interface SimulatorOptions {
  /** Hardware profile id (src/model catalog). @default '8xrtx-4070-ti-super' */
  hardware?: string
  /**
   * Wall clock only: simulated seconds per real second. A time measured against the simulator
   * maps back as `simulated = measured × speed`. @default 1
   */
  speed?: number
  /** 'wall' paces events on real time; 'virtual' runs them as fast as the CPU allows. @default 'wall' */
  clock?: 'wall' | 'virtual'
  /** Management API port (0 = pick a free one). @default 0 */
  mgmtPort?: number
  /** OpenAI API port (0 = pick a free one). @default 0 */
  inferencePort?: number
  /** @default '127.0.0.1' */
  host?: string
  /** Seeds EOS draws, output words and ids. @default 0 */
  seed?: number
  /**
   * Multiplies every step cost and start-up time (to test regression gates).
   * @default Number(process.env.MLNODE_SIM_SLOWDOWN) when set, else 1
   */
  slowdown?: number
  /**
   * Coefficient of variation of every engine step's duration (seeded by `seed`): run-to-run
   * noise, for characterising the baseline gate (MLNODE_SIM_NOISE_CV). @default 0
   */
  noiseCv?: number
  /** Seed of the step-time noise alone (the rest keeps `seed`): runs that differ only by noise. @default seed */
  noiseSeed?: number
  /**
   * Run-level noise: coefficient of variation of the factors drawn once per deployment for every
   * GPU and every replica (src/sim/run-noise.ts; MLNODE_SIM_RUN_NOISE). @default 0
   */
  runNoise?: number
  /** Seed of the run-level factors alone: runs that differ only by their box's state. @default noiseSeed */
  runNoiseSeed?: number
  /**
   * Virtual clock: how long (real seconds) the simulation waits for a client session's next
   * request before it gives the session up and runs on. @default 30
   */
  sessionWaitS?: number
  /** Replica load time, simulated s. @default 45 */
  startupS?: number
  /** Delay between replica starts, simulated s (MLNode: 5). @default 5 */
  staggerS?: number
  /** Time until vLLM exits on a variant it cannot run, simulated s. @default 20 */
  failAfterS?: number
  /** After a `down` that interrupted a start: until MLNode records the start-up error (/health 503), simulated s. @default 3 */
  interruptFailS?: number
  /** From /health 503 to the watcher's stop (3 failed health checks), simulated s. @default 30 */
  unhealthyS?: number
  /** How long the watcher's stop blocks MLNode's API before the process exits, simulated s. @default 35 */
  freezeS?: number
  /** INFERENCE_MAX_INSTANCES of the simulated node. @default 128 */
  maxInstances?: number
  /** Container restart: management and inference ports refuse connections, simulated s. @default 15 */
  restartS?: number
  /** Probability that a generated token is EOS (0 = always max_tokens). @default 1/2000 */
  eosPerToken?: number
  /** Wall clock: real ms before an event spent waiting precisely instead of trusting setTimeout (0 = setTimeout only). @default 1.5 */
  spinMs?: number
  /**
   * Wall clock: least lateness (real ms) at which the simulated timeline shifts by the stall
   * instead of catching up with a burst of steps (WallClock "lateness policy"). @default 0.1
   */
  shiftAfterMs?: number
  /** Wall clock: share of an event's own step it may run late before the timeline shifts. @default 0.2 */
  shiftAfterFraction?: number
  /** Wall clock: how fast a shift is made up while busy (simulated time runs 1 + rate times faster meanwhile; 0 = only when idle). @default 0 */
  catchUpRate?: number
  /**
   * Which MLNode generation to imitate. 'legacy' (before v0.2.4): no /health, up/async,
   * up/status, gpu or pow/status routes, `up` on a running deployment restarts it instead of answering 409, and a failed `up`
   * answers HTTP 200 `{"status":"ERROR","message":…}` (docs/mlnode.md "Failure behaviour": clients must handle both).
   * @default 'current'
   */
  api?: 'current' | 'legacy'
  /**
   * Wall clock only: /health leaves out its `simulator` field, so a client takes this for a real
   * MLNode of `hardware`'s GPUs (tests of the real-MLNode path: predictions beside measurements).
   * @default false
   */
  posingAsReal?: boolean
  /** Turns deploy requests into variants. @default src/args + src/model (resolve-variant.ts) */
  resolveVariant?: VariantResolver
  /** @deprecated `resolveVariant` ("planner" is the `plan` command's, src/planner). */
  planner?: VariantResolver
  /** Receives MLNode-style log lines ("instances to start: N", …). @default none */
  log?: (line: string) => void
  /**
   * Diagnostics: called as each streamed token is written (test/sim/pacing-probe.ts compares a
   * client's stamps with the engine's schedule). @default none
   */
  trace?: (event: TokenTraceEvent) => void
}

/** One streamed token as the simulator wrote it (see `SimulatorOptions.trace`). */
export interface TokenTraceEvent {
  /** The response's `id` field (`chatcmpl-…` / `cmpl-…`). */
  responseId: string
  /** 1-based output token number. */
  count: number
  /** Simulated time the request arrived (its stamp at the server), seconds. */
  arrivalS: number
  /** Simulated time the engine produced the token (end of its step), seconds. */
  atS: number
  /** Simulated time the chunk was actually written (≥ atS on a late wall clock), seconds. */
  writtenS: number
  /** performance.now() when it was written, ms (real gaps include timeline shifts; writtenS ones do not). */
  writtenRealMs: number
}

/** SimulatorOptions with defaults applied and values checked. */
export interface ResolvedSimulatorOptions {
  hardware: string
  speed: number
  clock: 'wall' | 'virtual'
  mgmtPort: number
  inferencePort: number
  host: string
  seed: number
  slowdown: number
  noiseCv: number
  noiseSeed: number
  runNoise: number
  runNoiseSeed: number
  sessionWaitS: number
  timings: LifecycleTimings
  maxInstances: number
  eosPerToken: number
  spinMs: number
  shiftAfterMs: number
  shiftAfterFraction: number
  catchUpRate: number
  api: 'current' | 'legacy'
  posingAsReal: boolean
  resolveVariant: VariantResolver | undefined
  log: ((line: string) => void) | undefined
  trace: ((event: TokenTraceEvent) => void) | undefined
}

function positive(name: string, value: number | undefined, fallback: number, allowZero = true): number {
  const v = value ?? fallback
  if (!Number.isFinite(v) || v < 0 || (!allowZero && v === 0)) {
    throw new MlnodeBenchError('MLNB_CONFIG', `Simulator option ${name} must be a finite number ${allowZero ? '>= 0' : '> 0'}, got ${String(value)}`, { details: { option: name, value } })
  }
  return v
}

/** The slowdown from MLNODE_SIM_SLOWDOWN (1 when unset or empty). */
export function slowdownFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.MLNODE_SIM_SLOWDOWN
  if (raw === undefined || raw.trim() === '') return 1
  const v = Number(raw)
  if (!Number.isFinite(v) || v <= 0) {
    throw new MlnodeBenchError('MLNB_CONFIG', `MLNODE_SIM_SLOWDOWN must be a number > 0, got "${raw}"`, { details: { env: 'MLNODE_SIM_SLOWDOWN', value: raw } })
  }
  return v
}

function resolveApi(api: SimulatorOptions['api']): 'current' | 'legacy' {
  if (api === undefined || api === 'current' || api === 'legacy') return api ?? 'current'
  throw new MlnodeBenchError('MLNB_CONFIG', `Simulator option api must be 'current' or 'legacy', got ${String(api)}`, { details: { option: 'api', value: api } })
}

/**
 * Applies defaults and validates.
 * @throws MlnodeBenchError 'MLNB_CONFIG' naming the bad option (or MLNODE_SIM_SLOWDOWN) and value.
 */
export function resolveSimulatorOptions(options: SimulatorOptions = {}): ResolvedSimulatorOptions {
  const clock = options.clock ?? 'wall'
  if (clock !== 'wall' && clock !== 'virtual') throw new MlnodeBenchError('MLNB_CONFIG', `Simulator option clock must be 'wall' or 'virtual', got ${String(clock)}`)
  return {
    hardware: options.hardware ?? DEFAULT_HARDWARE_PROFILE_ID,
    speed: positive('speed', options.speed, 1, false),
    clock,
    mgmtPort: positive('mgmtPort', options.mgmtPort, 0),
    inferencePort: positive('inferencePort', options.inferencePort, 0),
    host: options.host ?? '127.0.0.1',
    seed: Math.floor(options.seed ?? 0) >>> 0,
    slowdown: options.slowdown === undefined ? slowdownFromEnv() : positive('slowdown', options.slowdown, 1, false),
    noiseCv: positive('noiseCv', options.noiseCv, 0),
    noiseSeed: Math.floor(options.noiseSeed ?? options.seed ?? 0) >>> 0,
    runNoise: runNoiseLevel(options.runNoise),
    runNoiseSeed: Math.floor(options.runNoiseSeed ?? options.noiseSeed ?? options.seed ?? 0) >>> 0,
    sessionWaitS: positive('sessionWaitS', options.sessionWaitS, 30, false),
    timings: {
      startupS: positive('startupS', options.startupS, 45),
      staggerS: positive('staggerS', options.staggerS, 5),
      failAfterS: positive('failAfterS', options.failAfterS, 20),
      interruptFailS: positive('interruptFailS', options.interruptFailS, 3),
      unhealthyS: positive('unhealthyS', options.unhealthyS, 30),
      freezeS: positive('freezeS', options.freezeS, 35),
      restartS: positive('restartS', options.restartS, 15),
    },
    maxInstances: Math.floor(positive('maxInstances', options.maxInstances, 128, false)),
    eosPerToken: positive('eosPerToken', options.eosPerToken, DEFAULT_EOS_PER_TOKEN),
    spinMs: positive('spinMs', options.spinMs, 1.5),
    shiftAfterMs: positive('shiftAfterMs', options.shiftAfterMs, 0.1),
    shiftAfterFraction: positive('shiftAfterFraction', options.shiftAfterFraction, 0.2),
    catchUpRate: positive('catchUpRate', options.catchUpRate, 0),
    api: resolveApi(options.api),
    posingAsReal: posingAsReal(options),
    resolveVariant: options.resolveVariant ?? options.planner,
    log: options.log,
    trace: options.trace,
  }
}

/** A simulator on simulated time cannot pass for a real MLNode: its clients must know to follow its clock. */
function posingAsReal(options: SimulatorOptions): boolean {
  if (options.posingAsReal === true && options.clock === 'virtual') {
    throw new MlnodeBenchError('MLNB_CONFIG', 'simulator option posingAsReal = true needs the wall clock (clock: "wall"): on simulated time clients must know whose clock they follow')
  }
  return options.posingAsReal === true
}

/** A coefficient of variation in [0, 1): beyond, a log-normal factor is no longer "noise". */
function runNoiseLevel(value: number | undefined): number {
  const v = value ?? 0
  if (!Number.isFinite(v) || v < 0 || v >= 1) {
    throw new MlnodeBenchError('MLNB_CONFIG', `Simulator option runNoise must be a number in [0, 1) (a coefficient of variation, e.g. 0.03), got ${String(value)}`, { details: { option: 'runNoise', value } })
  }
  return v
}
