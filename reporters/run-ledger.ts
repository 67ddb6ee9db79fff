/**
 * The run as every mlnode-bench reporter of one vitest instance sees it: its id and state, the
 * results.json entries of earlier runs (read once at the start, before anything rewrites the
 * file), and the merged view results.json, JUnit and summary.md are all rendered from. Reporter
 * hooks of one event run concurrently: each view is computed once and shared.
 */
import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import type { TestModule, TestRunEndReason, Vitest } from 'vitest/node'
import type { BenchResult, Provenance, RunInfo, RunStamp } from '../src/contracts/results.js'
import { collectProvenance } from '../src/outputs/provenance.js'
import { mergeRunEntries, newRunStamp, previousEntries } from '../src/report/results-merge.js'
import { parseRunResults } from '../src/report/run-results.js'
import { collectBenchEntries, collectedBenches, type CollectedBench, type RunnerTaskLookup } from './collect.js'

/** Every entry of results.json as this run leaves it. */
export interface RunView {
  run: RunInfo
  provenance: Provenance
  /** This run's entries and those kept from earlier runs. */
  results: BenchResult[]
  /** The entries of earlier runs that this run did not re-run. */
  kept: BenchResult[]
}

interface RunStart {
  stamp: RunStamp
  provenance: Provenance
  previous: BenchResult[]
  /** Why the previous results file could not be used (it is then replaced). */
  warning?: string
}

interface CurrentRun {
  key: object
  start: Promise<RunStart>
  recorded: Map<string, CollectedBench>
  final?: { key: object; view: Promise<RunView> }
}

/** The run state shared by the reporters of one vitest instance. */
export class RunLedger {
  /** The results.json of this vitest (set by ResultsJsonReporter); without one nothing of earlier runs is kept. */
  resultsFile?: string
  private current?: CurrentRun

  constructor(private readonly root: string) {}

  /** Starts a run: once per onTestRunStart (every reporter passes the same specifications array). */
  begin(key: object): Promise<RunStart> {
    if (this.current?.key !== key) this.current = { key, start: this.start(), recorded: new Map() }
    return this.current.start
  }

  /** Records a finished bench of this run (results.json is rewritten after each one). */
  record(entry: CollectedBench): void {
    this.current?.recorded.set(JSON.stringify(entry.bench), entry)
  }

  /** The view while the run goes on: state 'running', this run's results so far. */
  async running(): Promise<RunView> {
    if (!this.current) void this.begin({})
    const run = this.current!
    return this.view(await run.start, [...run.recorded.values()], { state: 'running' })
  }

  /** The view at the end of the run, computed once per onTestRunEnd (keyed by vitest's modules array). */
  finish(modules: ReadonlyArray<TestModule>, reason: TestRunEndReason | undefined, lookup: RunnerTaskLookup): Promise<RunView> {
    if (!this.current) void this.begin(modules)
    const run = this.current!
    if (run.final?.key !== modules) {
      const view = (async () => {
        const entries = new Map(run.recorded)
        for (const e of collectBenchEntries(modules, lookup)) entries.set(JSON.stringify(e.bench), e)
        const scope = { collected: collectedBenches(modules), fileExists: (file: string) => existsSync(resolve(this.root, file)) }
        const state = reason === 'interrupted' ? 'interrupted' : 'complete'
        return this.view(await run.start, [...entries.values()], { state, endedAt: new Date().toISOString() }, scope)
      })()
      run.final = { key: modules, view }
    }
    return run.final.view
  }

  private view(start: RunStart, entries: CollectedBench[], end: Pick<RunInfo, 'state' | 'endedAt'>, scope?: Parameters<typeof mergeRunEntries>[2]): RunView {
    const current = entries.map(({ result, bench }) => ({ ...result, run: start.stamp, bench }))
    const results = mergeRunEntries(start.previous, current, scope)
    return {
      run: { ...start.stamp, ...end },
      provenance: start.provenance,
      results,
      kept: results.filter((r) => r.run?.id !== start.stamp.id),
    }
  }

  private async start(): Promise<RunStart> {
    const date = new Date()
    const [provenance, previous] = await Promise.all([collectProvenance({ cwd: this.root, date }), this.readPrevious()])
    return { stamp: newRunStamp(date, provenance.git), provenance, ...previous }
  }

  private async readPrevious(): Promise<{ previous: BenchResult[]; warning?: string }> {
    if (!this.resultsFile) return { previous: [] }
    let text: string
    try {
      text = await readFile(this.resultsFile, 'utf8')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { previous: [] }
      return { previous: [], warning: `earlier results ${this.resultsFile} cannot be read (${(error as Error).message}): they are replaced by this run's` }
    }
    try {
      return { previous: previousEntries(parseRunResults(text, this.resultsFile)) }
    } catch (error) {
      return { previous: [], warning: `${(error as Error).message}: it is replaced by this run's results` }
    }
  }
}

const ledgers = new WeakMap<object, RunLedger>()
const noVitest = {}

/** The ledger of this vitest instance (one per instance, shared by all its reporters). */
export function ledgerOf(vitest: Vitest | undefined): RunLedger {
  const key = vitest ?? noVitest
  let ledger = ledgers.get(key)
  if (!ledger) ledgers.set(key, (ledger = new RunLedger(vitest?.config.root ?? process.cwd())))
  return ledger
}
