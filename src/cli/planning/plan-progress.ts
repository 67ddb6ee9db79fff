/**
 * Progress of a `plan` search that takes over a second, on stderr (stdout keeps the table or the
 * JSON): variants evaluated so far in each phase, rejected so far, elapsed and ETA. The search is
 * synchronous, so the printer is called after each variant and the shared pacer (run/progress.ts)
 * decides when a line is due: on a terminal one line redrawn each second, else (CI logs) a line
 * every MLNODE_BENCH_PROGRESS_S.
 */
import type { PlanStep } from '../../planner/search.js'
import { progressPacer, redrawn, stderrProgress, type ProgressMode } from '../../run/progress.js'

/** The line, without control characters (pure). */
export function formatPlanProgress(label: string, step: PlanStep, elapsedS: number): string {
  const phase = step.phase === 'layouts' ? 'layouts' : 'speed knobs of the best layouts'
  // The ETA covers the current phase: the knob phase's size is known only when it starts.
  const etaS = step.done > 0 ? (elapsedS / step.done) * (step.total - step.done) : undefined
  return `${label}: ${phase} ${step.done}/${step.total} evaluated, ${step.rejected} rejected so far, ${elapsedS.toFixed(1)} s elapsed${etaS === undefined || step.phase === 'knobs' ? '' : `, ETA ${etaS.toFixed(1)} s`}`
}

export interface PlanProgressOptions {
  label: string
  mode: ProgressMode
  /** Seconds between plain lines; 0 turns progress off. */
  intervalS: number
  write: (text: string) => void
  /** Monotonic ms (tests inject a fake). @default performance.now */
  now?: () => number
}

export interface PlanProgress {
  step(step: PlanStep): void
  /** Ends a redrawn line with a newline, if one was drawn. */
  stop(): void
}

export function startPlanProgress(o: PlanProgressOptions): PlanProgress {
  const pacer = progressPacer({ mode: o.mode, intervalS: o.intervalS, ...(o.now ? { now: o.now } : {}) })
  const out = stderrProgress(o.mode, { write: o.write })
  return {
    step(step) {
      if (pacer.due()) out.print(redrawn(formatPlanProgress(o.label, step, pacer.elapsedS()), o.mode))
    },
    stop: () => out.end(),
  }
}
