/**
 * The console of a bench run: deploy progress from the suites, one line per finished bench, and
 * at the end the side-by-side comparison per model and workload with a recommendation.
 * Replaces vitest's 'default' bench reporter, whose hz/mean table times bench bodies, not requests.
 */
import { capacityText } from '../src/report/sweep-comparison.js'
import type { SerializedError, UserConsoleLog } from 'vitest'
import type { TestCase, TestModule, TestRunEndReason } from 'vitest/node'
import { scrub as redact } from '../src/outputs/secrets.js'
import { renderComparison } from '../src/report/comparison.js'
import { formatNumber } from '../src/report/format.js'
import { incompleteText } from '../src/report/run-text.js'
import { benchResultOf, collectBenchResults } from './collect.js'
import { MlnodeReporterBase } from './reporter-base.js'
import { figure } from '../src/contracts/figures.js'
import { predictionLine } from '../src/report/prediction.js'

/** The figures of a bench's one-line summary (the metric registry's labels and units). */
const HEADLINE = [figure('ttft_mean_ms'), figure('tpot_mean_ms'), figure('output_tokens_per_s')]

export interface ConsoleReporterOptions {
  /** Print the suites' console output (deploy progress). @default true */
  showLogs?: boolean
}

export class ConsoleReporter extends MlnodeReporterBase {
  constructor(private readonly options: ConsoleReporterOptions = {}) {
    super()
  }

  /** A workload's progress line is being redrawn in place on the terminal (src/run/progress.ts). */
  private progressOpen = false

  onUserConsoleLog(log: UserConsoleLog, taskState?: string): void {
    if (this.options.showLogs === false) return
    // --silent is each reporter's to honour, as Vitest's own do ('passed-only' keeps failed tests' logs).
    const silent = this.vitest?.config.silent
    if (silent === true || (silent === 'passed-only' && taskState !== 'failed')) return
    const text = redact(log.content.replace(/\n$/, ''))
    if (text.startsWith('\r') && log.type === 'stdout') return this.redrawProgress(text.slice(1))
    this.endProgress()
    if (log.type === 'stderr') this.error(text)
    else this.log(text)
  }

  /** Progress lines start with '\r': redrawn in place on a terminal, one after the other elsewhere. */
  private redrawProgress(line: string): void {
    const out = this.vitest?.logger.outputStream ?? process.stdout
    if (!(out as { isTTY?: boolean }).isTTY) return this.log(line)
    out.write(`\r${line}\x1b[K`)
    this.progressOpen = true
  }

  private endProgress(): void {
    if (!this.progressOpen) return
    this.progressOpen = false
    ;(this.vitest?.logger.outputStream ?? process.stdout).write('\n')
  }

  onTestCaseResult(testCase: TestCase): void {
    this.endProgress()
    const r = benchResultOf(testCase, this.lookup)
    if (r) {
      const subject = `${r.model} › ${r.variant} › ${r.workload}`
      if (r.status === 'failed') this.log(`✗ ${subject}: ${r.failure?.kind ?? 'failed'}: ${r.failure?.message.split('\n')[0]}`)
      else if (r.validation) {
        const v = r.validation
        this.log(`✓ ${subject}: similarity min ${v.minSimilarity.toFixed(4)}, median ${v.medianSimilarity.toFixed(4)} > threshold ${v.threshold} vs ${v.reference} (${v.mode})${r.target.kind === 'simulated' ? ' (simulated)' : ''}`)
      } else if (r.poc) {
        const p = r.poc
        this.log(`✓ ${subject}: PoC ${formatNumber(p.noncesPerMin)} nonces/min (${formatNumber(p.noncesPerMinPerGpu)} per GPU), ${p.backends.length} backend(s), first artifact after ${formatNumber(p.firstArtifactS)} s${r.target.kind === 'simulated' ? ' (simulated)' : ''}`)
      } else if (r.sweep) {
        this.log(`✓ ${subject}: capacity at SLO ${capacityText(r.sweep)}, ${r.sweep.steps.filter((s) => s.state !== 'skipped').length}/${r.sweep.steps.length} steps${r.target.kind === 'simulated' ? ' (simulated)' : ''}`)
      } else if (r.metrics) {
        const m = r.metrics
        const figures = HEADLINE.map((f) => { const v = f.value(m); return `${f.label} ${v === undefined ? '—' : `${formatNumber(v)} ${f.unit}`}` }).join(', ')
        this.log(`✓ ${subject}: ${m.requests.completed}/${m.requests.total} ok, ${figures}${r.target.kind === 'simulated' ? ' (simulated)' : ''}`)
        const predicted = predictionLine(r)
        if (predicted) this.log(`  ${predicted}`)
        const res = r.resolution
        // A measurement coarser than 5 % of what it measures is flagged where the user reads it.
        if (res && (res.latencyMs > 0.05 * m.tpotMs.medianMs || res.rateShare > 0.05)) {
          this.log(
            `  ⚠ measurement resolution ±${formatNumber(res.latencyMs)} ms per stamp${res.rateShare > 0 ? `, ${(res.rateShare * 100).toFixed(1)} % of the run stalled` : ''} (client event-loop delay p99 ${formatNumber(res.clientLoopDelayP99Ms)} ms): the gate will not judge changes within it`,
          )
        }
      }
    }
  }

  async onTestRunEnd(modules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<SerializedError>, reason?: TestRunEndReason): Promise<void> {
    this.endProgress()
    const results = collectBenchResults(modules, this.lookup)
    if (results.length > 0) this.log(renderComparison(results))
    // Errors no bench carries (collection-time guard violations, broken files) must still be seen,
    // once: a suite refused at collection is already told whole in the comparison above.
    const toldWhole = new Set(results.filter((r) => r.variant === '(all variants)').map((r) => r.failure?.message))
    for (const module of new Map(modules.map((m) => [m.id, m])).values()) {
      const collected = results.some((r) => r.file && module.moduleId.endsWith(r.file))
      for (const error of module.errors()) {
        if (collected && /[\\/]tinybench[\\/]/.test(error.stack ?? '')) continue
        if (toldWhole.has(String(error.message))) continue
        // Our errors already start with the file they name: not "✗ file: file: …".
        const message = redact(String(error.message))
        this.error(`\n✗ ${message.startsWith(`${module.relativeModuleId}: `) ? message : `${module.relativeModuleId}: ${message}`}`)
      }
    }
    // A bench body's error also surfaces as an unhandled rejection (vitest 4.1): shown once, above.
    const known = new Set(results.map((r) => r.failure?.message))
    for (const error of unhandledErrors) {
      if (!/[\\/]tinybench[\\/]/.test(error.stack ?? '') && !known.has(redact(String(error.message)))) this.error(`\n✗ unhandled: ${redact(String(error.message))}`)
    }
    const failed = results.filter((r) => r.status === 'failed').length
    this.log(`\nmlnode-bench: ${results.length - failed} passed, ${failed} failed`)
    try {
      const view = await this.ledger.finish(modules, reason, this.lookup)
      if (view.kept.length > 0) this.log(`mlnode-bench: partial run: ${view.kept.length} result(s) of earlier runs kept in the reports, not re-run now`)
      const incomplete = incompleteText(view.run)
      if (incomplete) this.error(`mlnode-bench: ${incomplete}`)
    } catch (error) {
      this.error(`mlnode-bench: run state unknown: ${(error as Error).message}`)
      process.exitCode = 1
    }
  }
}
