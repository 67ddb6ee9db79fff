/**
 * The one place that knows how each Vitest major registers a bench, so the suite logic is shared:
 * - Vitest 4.1: module-scope `bench(name, fn, options)` (tinybench); the deploy runs in tinybench's
 *   `setup('run')`, which must never throw (a throwing setup hangs 4.1), and the body must be a
 *   native async function called exactly once (`ONCE_41`); the task is the suite's last one.
 * - Vitest 5: `bench` is a fixture of `test()`; run options go to `.run()` (options in the second
 *   position of `bench()` are tinybench hooks and are silently ignored), and a test's timeout
 *   applies, so it is the deploy and workload bounds plus a margin.
 * `vitest` is imported as a namespace: `bench` is not exported by Vitest 5 at all.
 */
import * as vitest from 'vitest'
import type { RunnerTask } from 'vitest'

/** tinybench options that call the body exactly once, with no warm-up (Vitest 4.1). */
const ONCE_41 = { iterations: 1, time: 0, warmupIterations: 0, warmupTime: 0 } as const
/** `.run()` options that call the body exactly once (Vitest 5). */
const ONCE_5 = { iterations: 1, time: 0, warmup: false } as const

/** Which bench API this Vitest has. */
export const benchApi: '4.1' | '5' = typeof (vitest as { bench?: unknown }).bench === 'function' ? '4.1' : '5'

export interface BenchRegistration {
  name: string
  /** Deploys (or waits for) the variant; never throws. */
  prepare(): Promise<void>
  /** The measured body; writes its result on `task.meta` and throws on failure. */
  body(task: RunnerTask): Promise<void>
  /** Upper bound of prepare + body (Vitest 5 test timeout). */
  timeoutMs: number
}

interface Bench5 {
  (name: string, fn: () => Promise<void>): { run(options: typeof ONCE_5): Promise<unknown> }
}

/**
 * Registers one bench that deploys, then runs its body exactly once, under either major.
 * @returns its task, at collection (a reporter may read meta set on it before it runs).
 */
export function registerBench(r: BenchRegistration): RunnerTask {
  if (benchApi === '4.1') {
    let task: RunnerTask | undefined
    const bench = (vitest as unknown as { bench: (name: string, fn: () => Promise<void>, options: object) => void }).bench
    quietLateBenchRejections()
    bench(r.name, async () => r.body(task!).catch((error: unknown) => {
      if (typeof error === 'object' && error !== null) benchErrors.add(error)
      throw error
    }), {
      ...ONCE_41,
      setup: async (_task: unknown, mode: string) => {
        if (mode === 'run') await r.prepare()
      },
    })
    task = vitest.TestRunner.getCurrentSuite().tasks.at(-1) as RunnerTask
    return task
  }
  const test = vitest.test as unknown as (name: string, fn: (ctx: { bench: Bench5; task: RunnerTask }) => Promise<void>, timeoutMs: number) => void
  test(
    r.name,
    async ({ bench, task }) => {
      await r.prepare()
      await bench(r.name, async () => r.body(task)).run(ONCE_5)
    },
    r.timeoutMs,
  )
  return vitest.TestRunner.getCurrentSuite().tasks.at(-1) as RunnerTask
}

/** Errors our bench bodies threw (Vitest 4.1 bench mode). */
const benchErrors = new WeakSet<object>()
/** The promises Vitest 4.1 rejected with them and handled late. */
const lateBenchRejections = new WeakSet<Promise<unknown>>()
let quieted = false

/**
 * Vitest 4.1's runBenchmarkSuite rejects a deferred promise when a bench throws and awaits it
 * only after the whole group ran, so Node printed a PromiseRejectionHandledWarning after every
 * failed deploy (the failure itself is reported by our reporters). A 'rejectionHandled' listener
 * replaces Node's warning: silent for those promises, Node's own warning for any other.
 */
function quietLateBenchRejections(): void {
  if (quieted) return
  quieted = true
  process.on('unhandledRejection', (reason, promise) => {
    if (typeof reason === 'object' && reason !== null && benchErrors.has(reason)) lateBenchRejections.add(promise)
  })
  process.on('rejectionHandled', (promise: Promise<unknown>) => {
    if (!lateBenchRejections.has(promise)) process.emitWarning('Promise rejection was handled asynchronously', 'PromiseRejectionHandledWarning')
  })
}
