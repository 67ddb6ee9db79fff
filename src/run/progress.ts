/**
 * Live progress of a long workload: a plain line every `intervalS` (CI logs read it as it comes;
 * Vitest's console carries it, so `--silent` quiets it) with requests done/total, failed so far,
 * output tokens per second, elapsed time and the ETA. A 20-minute workload on a GPU box is no
 * longer silent; a short one (every simulated one) prints nothing.
 */
import type { RequestRecord } from '../contracts/records.js'

export interface ProgressOptions {
  label: string
  total: number
  /** Seconds between lines; 0 turns progress off. @default 10 (MLNODE_BENCH_PROGRESS_S) */
  intervalS: number
  print: (line: string) => void
  /** Monotonic ms (tests inject a fake). @default performance.now */
  now?: () => number
}

export interface Progress {
  /** Count one settled request (RunWorkloadOptions.onRequestDone). */
  done(record: RequestRecord): void
  /** Print a line if the interval has passed (called by the timer, and by tests). */
  tick(): void
  stop(): void
}

/** The interval from MLNODE_BENCH_PROGRESS_S, or 10 s. */
export function progressIntervalS(env: NodeJS.ProcessEnv = process.env): number {
  const v = Number(env.MLNODE_BENCH_PROGRESS_S)
  return env.MLNODE_BENCH_PROGRESS_S !== undefined && env.MLNODE_BENCH_PROGRESS_S !== '' && Number.isFinite(v) && v >= 0 ? v : 10
}

export function startProgress(o: ProgressOptions): Progress {
  const now = o.now ?? (() => performance.now())
  const startMs = now()
  let lastMs = startMs
  let done = 0
  let failed = 0
  let outputTokens = 0
  const line = (): string => {
    const elapsedS = (now() - startMs) / 1000
    const etaS = done > 0 ? (elapsedS / done) * (o.total - done) : undefined
    return `${o.label}: ${done}/${o.total} requests done, ${failed} failed, ${(elapsedS > 0 ? outputTokens / elapsedS : 0).toFixed(1)} out tok/s, ${duration(elapsedS)} elapsed${etaS === undefined ? '' : `, ETA ${duration(etaS)}`}`
  }
  const tick = (): void => {
    if (o.intervalS <= 0 || now() - lastMs < o.intervalS * 1000) return
    lastMs = now()
    o.print(line())
  }
  const timer = o.intervalS > 0 ? setInterval(tick, Math.min(1000, o.intervalS * 1000)) : undefined
  timer?.unref()
  return {
    done(record) {
      if (record.warmup) return
      done++
      if (record.failure) failed++
      else outputTokens += record.completionTokens
    },
    tick,
    stop() {
      if (timer !== undefined) clearInterval(timer)
    },
  }
}

function duration(s: number): string {
  if (s <= 90) return `${Math.round(s)} s`
  if (s < 5400) return `${Math.round(s / 60)} min`
  return `${(s / 3600).toFixed(1)} h`
}
