/** Shared lifecycle of the mlnode-bench reporters: keep the Vitest instance, log through it. */
import { isAbsolute, relative, resolve } from 'node:path'
import type { TestCase, Vitest } from 'vitest/node'
import { writeFileAtomic } from '../src/outputs/atomic-write.js'
import { scrub } from '../src/outputs/secrets.js'
import { registerOutputFile } from '../src/outputs/run-outputs.js'
import { benchResultOf, type RunnerTaskLookup } from './collect.js'
import { ledgerOf, type RunLedger } from './run-ledger.js'

export abstract class MlnodeReporterBase {
  protected vitest: Vitest | undefined

  onInit(vitest: Vitest): void {
    this.vitest = vitest
    // Checked writable, and locked against a second run, by the global setup before any deploy.
    for (const file of this.outputFiles()) registerOutputFile(resolve(this.root, file), this.resultsRole)
  }

  /** Set by the reporter that writes results.json. */
  protected readonly resultsRole: 'results' | undefined = undefined

  /** The files this reporter writes, relative to the root. */
  protected outputFiles(): string[] {
    return []
  }

  /** Vitest root (relative output paths resolve against it). */
  protected get root(): string {
    return this.vitest?.config.root ?? process.cwd()
  }

  /** A path for messages: relative to the root when inside it, else absolute. */
  protected shown(path: string): string {
    const rel = relative(this.root, path)
    return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? path : rel
  }

  /** This run as all mlnode-bench reporters of this vitest share it. */
  protected get ledger(): RunLedger {
    return ledgerOf(this.vitest)
  }

  /** Records a finished bench in this run's ledger (each reporter may: the ledger keeps one per bench). */
  protected recordCase(testCase: TestCase): boolean {
    const result = benchResultOf(testCase, this.lookup)
    if (result) this.ledger.record({ result, bench: { project: testCase.project.name, file: testCase.module.relativeModuleId, name: testCase.fullName } })
    return result !== undefined
  }

  /** The runner task behind a reporter TestCase (bench stats and errors live there). */
  protected readonly lookup: RunnerTaskLookup = (id) => this.vitest?.state.idMap.get(id) as ReturnType<RunnerTaskLookup>

  /**
   * Renders and writes one report file atomically (path relative to the root), says where; a
   * failure is reported and fails the run, never thrown from a reporter hook.
   */
  protected async writeReport(what: string, outputFile: string, render: () => Promise<string>, options: { quiet?: boolean } = {}): Promise<void> {
    const path = resolve(this.root, outputFile)
    try {
      await writeFileAtomic(path, await render())
      if (!options.quiet) this.log(`mlnode-bench: ${what} written to ${this.shown(path)}`)
    } catch (error) {
      this.error(`mlnode-bench: ${what} ${path} NOT written: ${(error as Error).message}`)
      process.exitCode = 1
    }
  }

  private reportWrites: Promise<void> = Promise.resolve()

  /** writeReport, one call after another: the snapshot rendered last is the one left on disk. */
  protected queueReport(...args: Parameters<MlnodeReporterBase['writeReport']>): Promise<void> {
    this.reportWrites = this.reportWrites.then(() => this.writeReport(...args))
    return this.reportWrites
  }

  /** Every console line of the reporters passes here: scrubbed of every known secret. */
  protected log(message: string): void {
    if (this.vitest) this.vitest.logger.log(scrub(message))
    else console.log(scrub(message))
  }

  protected error(message: string): void {
    if (this.vitest) this.vitest.logger.error(scrub(message))
    else console.error(scrub(message))
  }
}
