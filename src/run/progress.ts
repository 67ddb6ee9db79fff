/**
 * Live progress of a long workload (and of a long `predict`): requests done/total, in flight,
 * failed so far, output tokens per second, elapsed time and the ETA. On a terminal one line is
 * updated in place every second (it starts with a carriage return; the console reporter redraws
 * it); otherwise (CI logs) a plain line comes every `intervalS`. In a suite the lines go through
 * Vitest's console, so reporters see them and `--silent` quiets them. A short workload (every
 * simulated one) ends before the first line and prints nothing.
 */
import { formatDurationS as duration } from '../text/duration.js'
import { envSeconds } from './env-options.js'
import type { RequestRecord } from '../contracts/records.js'

/** What one progress line shows. */
export interface ProgressFigures {
  label: string
  total: number
  done: number
  inFlight: number
  failed: number
  outputTokens: number
  elapsedS: number
}

/** 'tty': one line redrawn in place; 'plain': a line per interval. */
export type ProgressMode = 'tty' | 'plain'

/** The line, without any control character (pure). */
export function formatProgress(f: ProgressFigures): string {
  const etaS = f.done > 0 ? (f.elapsedS / f.done) * (f.total - f.done) : undefined
  const tokensPerS = f.elapsedS > 0 ? f.outputTokens / f.elapsedS : 0
  return (
    `${f.label}: ${f.done}/${f.total} requests done, ${f.inFlight} in flight, ${f.failed} failed, ${tokensPerS.toFixed(1)} out tok/s, ` +
    `${duration(f.elapsedS)} elapsed${etaS === undefined ? '' : `, ETA ${duration(etaS)}`}`
  )
}

/** What `print` receives in each mode: on a terminal the line starts with '\r' (redraw in place). */
export function progressText(f: ProgressFigures, mode: ProgressMode): string {
  return redrawn(formatProgress(f), mode)
}

/** A progress line as printed in this mode: on a terminal it starts with '\r' (redraw in place). */
export function redrawn(line: string, mode: ProgressMode): string {
  return mode === 'tty' ? `\r${line}` : line
}

/**
 * When the next line is due: on a terminal each second (or at the interval when shorter), else
 * at each interval; the first after as long; never when the interval is 0.
 */
export function progressPacer(o: { mode: ProgressMode; intervalS: number; ttyRefreshS?: number; now?: () => number }): { due(): boolean; elapsedS(): number; readonly everyMs: number } {
  const now = o.now ?? (() => performance.now())
  const everyMs = (o.mode === 'tty' ? Math.min(o.ttyRefreshS ?? 1, o.intervalS) : o.intervalS) * 1000
  const startMs = now()
  let lastMs = startMs
  return {
    due() {
      if (o.intervalS <= 0 || now() - lastMs < everyMs) return false
      lastMs = now()
      return true
    },
    elapsedS: () => (now() - startMs) / 1000,
    everyMs,
  }
}

/**
 * Progress lines of a command on stderr (stdout keeps its tables or JSON): a terminal's line is
 * cleared to its end after each redraw, and `end` closes it with a newline.
 */
export function stderrProgress(mode: ProgressMode, stream: { write(text: string): unknown } = process.stderr): { print(text: string): void; end(): void } {
  let drawn = false
  return {
    print(text) {
      drawn = true
      stream.write(mode === 'tty' ? `${text}\x1b[K` : `${text}\n`)
    },
    end() {
      if (drawn && mode === 'tty') stream.write('\n')
    },
  }
}

/**
 * A terminal is one line redrawn in place: the stream is a TTY, or Vitest says its own stdout is
 * one (it sets FORCE_TTY for the processes that run the suites, whose stdout is a pipe).
 */
export function progressMode(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): ProgressMode {
  if (env.TERM === 'dumb') return 'plain'
  return stream.isTTY === true || env.FORCE_TTY === 'true' ? 'tty' : 'plain'
}

export interface ProgressOptions {
  label: string
  total: number
  /** Seconds between plain lines; 0 turns progress off. @default 10 (MLNODE_BENCH_PROGRESS_S) */
  intervalS: number
  print: (text: string) => void
  /** @default 'plain' */
  mode?: ProgressMode
  /** Seconds between redraws on a terminal (the first comes after as long), at most intervalS. @default 1 */
  ttyRefreshS?: number
  /** Monotonic ms (tests inject a fake). @default performance.now */
  now?: () => number
}

export interface Progress {
  /** A measured request was sent (warm-ups are not counted). */
  sent(warmup: boolean): void
  /** Count one settled request (RunWorkloadOptions.onRequestDone). */
  done(record: RequestRecord): void
  /** Print if the interval has passed (called by the timer, and by synchronous loops and tests). */
  tick(): void
  /** Stops the timer; on a terminal, redraws the line a last time if it was shown. */
  stop(): void
  /** Whether a line was printed. */
  readonly printed: boolean
}

/** The interval from MLNODE_BENCH_PROGRESS_S, or 10 s. */
export function progressIntervalS(env: NodeJS.ProcessEnv = process.env): number {
  return envSeconds('MLNODE_BENCH_PROGRESS_S', 10, env)
}

export function startProgress(o: ProgressOptions): Progress {
  const mode = o.mode ?? 'plain'
  const pacer = progressPacer({ mode, intervalS: o.intervalS, ...(o.ttyRefreshS === undefined ? {} : { ttyRefreshS: o.ttyRefreshS }), ...(o.now ? { now: o.now } : {}) })
  let printed = false
  const f: ProgressFigures = { label: o.label, total: o.total, done: 0, inFlight: 0, failed: 0, outputTokens: 0, elapsedS: 0 }
  const show = (): void => {
    f.elapsedS = pacer.elapsedS()
    printed = true
    o.print(progressText(f, mode))
  }
  const tick = (): void => {
    if (pacer.due()) show()
  }
  const timer = o.intervalS > 0 ? setInterval(tick, Math.min(1000, pacer.everyMs)) : undefined
  timer?.unref()
  return {
    sent(warmup) {
      if (!warmup) f.inFlight++
    },
    done(record) {
      if (record.warmup) return
      f.done++
      f.inFlight = Math.max(0, f.inFlight - 1)
      if (record.failure) f.failed++
      else f.outputTokens += record.completionTokens
    },
    tick,
    stop() {
      if (timer !== undefined) clearInterval(timer)
      if (mode === 'tty' && printed) show()
    },
    get printed() {
      return printed
    },
  }
}

