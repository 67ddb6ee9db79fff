/**
 * The overhead benchmark's figures against the targets of issue 14 (lockstep 512 × 10 ms: TTFT
 * error p99 ≤ 5 ms, ITL error p99 ≤ 1 ms; 64 streams: ITL error p99 ≤ 0.4 ms; flat out
 * ≥ 500k chunks/s on both cores; ≤ 20 KB per stream), one line each, met or not.
 */

export interface TargetFigure {
  name: string
  measured: number
  /** Upper bound ('max') or lower bound ('min'). */
  bound: 'max' | 'min'
  target: number
  unit: string
  /** What the figure depends on (shown when the target is missed). */
  note?: string
}

export const isMet = (t: TargetFigure): boolean => (t.bound === 'max' ? t.measured <= t.target : t.measured >= t.target)

/** One line per figure: measured, target, met / NOT met. */
export function targetLines(figures: readonly TargetFigure[]): string[] {
  const digits = (n: number): string => (Math.abs(n) >= 1000 ? n.toFixed(0) : n.toFixed(3))
  return figures.map((t) => {
    const met = isMet(t)
    return `  ${met ? 'met    ' : 'NOT met'} ${t.name}: ${digits(t.measured)} ${t.unit} (target ${t.bound === 'max' ? '<=' : '>='} ${digits(t.target)} ${t.unit})${!met && t.note ? `; ${t.note}` : ''}`
  })
}

export function printTargets(figures: readonly TargetFigure[]): void {
  console.log(`targets (issue 14), ${figures.filter(isMet).length} of ${figures.length} met:`)
  for (const line of targetLines(figures)) console.log(line)
}
