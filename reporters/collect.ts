/**
 * Turns vitest 4.1 reporter data into BenchResult[]. Traps handled (docs/vitest-bench-mode.md "Reporters in bench mode"):
 * - a bench whose body threw is reported with state "passed" and `result.benchmark.error` set;
 * - a failing file-level beforeAll skips the module's benches and leaves the error on the module;
 * - a file with top-level benches is reported twice: modules are de-duplicated by id.
 */
import type { SerializedError } from 'vitest'
import type { TestCase, TestModule } from 'vitest/node'
import { failureKindOf, redact } from '../src/errors.js'
import type { BenchFailure, BenchIdentity, BenchResult, FailureKind } from '../src/contracts/results.js'
import { benchFileKey } from '../src/report/results-merge.js'

export { failureKindOf }
import './meta.js'

/** What collect needs from the runner task behind a TestCase (`vitest.state.idMap.get(id)`). */
export type RunnerTaskLookup = (id: string) => { result?: { benchmark?: { error?: unknown } } } | undefined

/**
 * BenchResults of every bench carrying `meta.mlnodeBench`, plus every bench that failed or was
 * skipped by a module failure (identified by file › suite › name when it carries no meta).
 * Benches without meta that passed are not ours and are left out. Sorted by file, then order.
 */
export function collectBenchResults(modules: ReadonlyArray<TestModule>, lookup: RunnerTaskLookup): BenchResult[] {
  const out: BenchResult[] = []
  const seen = new Set<string>()
  for (const module of modules) {
    if (seen.has(module.id)) continue
    seen.add(module.id)
    out.push(...collectModule(module, lookup).map((e) => e.result))
  }
  return out
}

/** A result with the vitest bench it came from (a collection failure: its file, name '(suite collection)'). */
export interface CollectedBench {
  result: BenchResult
  bench: BenchIdentity
}

/** Like collectBenchResults, each result with its bench identity (results.json keys entries by it). */
export function collectBenchEntries(modules: ReadonlyArray<TestModule>, lookup: RunnerTaskLookup): CollectedBench[] {
  const out: CollectedBench[] = []
  const seen = new Set<string>()
  for (const module of modules) {
    if (seen.has(module.id)) continue
    seen.add(module.id)
    const tests = new Map([...module.children.allTests()].map((t) => [t.id, t]))
    for (const { testId, result } of collectModule(module, lookup)) {
      const name = testId !== undefined ? (tests.get(testId)?.fullName ?? testId) : COLLECTION_BENCH
      out.push({ result, bench: { project: module.project.name, file: module.relativeModuleId, name } })
    }
  }
  return out
}

/** Bench name of the result standing for a suite file that failed before registering any bench. */
export const COLLECTION_BENCH = '(suite collection)'

/** Full names of every bench (run or filtered out) of each file that was collected, by benchFileKey. */
export function collectedBenches(modules: ReadonlyArray<TestModule>): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>()
  for (const module of modules) {
    const names = [...module.children.allTests()].map((t) => t.fullName)
    // A file that failed collection lists no bench: what it held is unknown, so nothing is dropped.
    if (names.length > 0) out.set(benchFileKey({ project: module.project.name, file: module.relativeModuleId }), new Set(names))
  }
  return out
}

/** The BenchResult of one finished bench (undefined for a passed bench that is not ours). */
export function benchResultOf(testCase: TestCase, lookup: RunnerTaskLookup): BenchResult | undefined {
  return collectModule(testCase.module, lookup).find((e) => e.testId === testCase.id)?.result
}

function collectModule(module: TestModule, lookup: RunnerTaskLookup): Array<{ testId?: string; result: BenchResult }> {
  const errors = module.errors()
  // Errors thrown inside bench bodies reach the module as errors raised from tinybench's loop;
  // anything else (beforeAll, collection) failed the module itself.
  const bodyErrors = errors.filter(isBenchBodyError)
  const moduleErrors = errors.filter((e) => !isBenchBodyError(e))
  const tests = [...module.children.allTests()]
  const threw = tests.filter((t) => lookup(t.id)?.result?.benchmark?.error !== undefined)
  const out: Array<{ testId?: string; result: BenchResult }> = []
  const push = (test: TestCase, result: BenchResult) => out.push({ testId: test.id, result })
  // A file that failed while being collected (e.g. the variant guard) registered no bench at all:
  // its error still becomes a result, so JUnit, the summary and the gate all show it.
  if (tests.length === 0) return moduleErrors.map((error) => ({ result: collectionFailure(module, error) }))
  for (const test of tests) {
    const meta = test.meta().mlnodeBench
    const benchError = lookup(test.id)?.result?.benchmark?.error
    const state = test.result().state
    if (benchError !== undefined) {
      // Serialized bench errors arrive empty ({}): pair them with the module's body errors by order
      // when the counts agree (benches run one after another).
      const paired = threw.length === bodyErrors.length ? bodyErrors[threw.indexOf(test)] : undefined
      const error = hasMessage(benchError) ? (benchError as SerializedError) : paired
      push(test, failed(test, meta, meta?.status === 'failed' && meta.failure ? meta.failure : toFailure(error, 'workload', 'the bench body threw (see the vitest output above)')))
    } else if (state === 'failed') {
      push(test, failed(test, meta, meta?.failure ?? toFailure(test.result().errors?.[0], 'workload', 'the bench failed')))
    } else if (state === 'skipped' && moduleErrors.length > 0) {
      const failure = meta?.status === 'failed' && meta.failure ? meta.failure : toFailure(moduleErrors[0], undefined, 'the module failed before its benches ran')
      push(test, failed(test, meta, failure))
    } else if (meta) {
      push(test, state === 'skipped' && meta.status === 'passed' ? { ...meta, status: 'skipped' } : meta)
    }
  }
  return out
}

function collectionFailure(module: TestModule, error: SerializedError): BenchResult {
  const details = (error.details ?? {}) as { model?: unknown }
  return {
    model: typeof details.model === 'string' ? details.model : module.relativeModuleId,
    variant: '(all variants)',
    workload: '(suite collection)',
    file: module.relativeModuleId,
    status: 'failed',
    failure: toFailure(error, 'internal', 'the suite file failed before any bench was registered'),
    target: { kind: 'mlnode', hardware: 'unknown' },
    args: [],
  }
}

function failed(test: TestCase, meta: BenchResult | undefined, failure: BenchFailure): BenchResult {
  const base: BenchResult = meta ?? {
    // No meta: identify by file › suite › bench name so the failure is still visible.
    model: test.module.relativeModuleId,
    variant: test.parent.type === 'suite' ? test.parent.fullName : '(file)',
    workload: test.name,
    file: test.module.relativeModuleId,
    status: 'failed',
    target: { kind: 'mlnode', hardware: 'unknown' },
    args: [],
  }
  // A failed bench's partial metrics (if any) stay for people; a baseline only takes passed ones.
  return { ...base, status: 'failed', failure }
}


function toFailure(error: SerializedError | undefined, kind: FailureKind | undefined, fallbackMessage: string): BenchFailure {
  const code = typeof error?.code === 'string' ? error.code : undefined
  const message = redact(hasMessage(error) ? String(error!.message) : fallbackMessage)
  const failure: BenchFailure = { kind: failureKindOf(code, kind ?? 'internal'), message }
  if (code) failure.code = code
  const log = error?.details && typeof error.details === 'object' ? (error.details as { log?: unknown }).log : undefined
  if (Array.isArray(log)) failure.log = log.map((l) => redact(String(l)))
  return failure
}

function hasMessage(error: unknown): boolean {
  return typeof error === 'object' && error !== null && typeof (error as { message?: unknown }).message === 'string' && (error as { message: string }).message !== ''
}

function isBenchBodyError(error: SerializedError): boolean {
  return typeof error.stack === 'string' && /[\\/]tinybench[\\/]/.test(error.stack)
}
