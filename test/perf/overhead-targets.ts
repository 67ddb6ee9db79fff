/**
 * The overhead benchmark's figures against the load client's targets (lockstep 512 × 10 ms: TTFT
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
  /**
   * The same figure for the run's raw-socket client (no HTTP, SSE or JSON work): the best any
   * Node client did on this machine at that moment. A missed target is judged against it.
   */
  floor?: number
}

export const isMet = (t: TargetFigure): boolean => (t.bound === 'max' ? t.measured <= t.target : t.measured >= t.target)

const digits = (n: number): string => (Math.abs(n) >= 1000 ? n.toFixed(0) : n.toFixed(3))

/**
 * Why a target was missed, from the run's own floor: out of reach of any client here when even
 * the raw-socket client missed it, else the engine's own cost above that floor.
 */
export function missVerdict(t: TargetFigure): string | undefined {
  if (t.floor === undefined || !Number.isFinite(t.floor)) return undefined
  if (!isMet({ ...t, measured: t.floor })) return `out of reach on this machine now: the raw-socket floor missed it too (${digits(t.floor)} ${t.unit})`
  return `the engine's own cost: the raw-socket floor met it (${digits(t.floor)} ${t.unit})`
}

/** One line per figure: measured, target, met / NOT met (with the verdict and what it depends on). */
export function targetLines(figures: readonly TargetFigure[]): string[] {
  return figures.map((t) => {
    const met = isMet(t)
    const why = met ? [] : [missVerdict(t), t.note].filter((x): x is string => x !== undefined && x !== '')
    return `  ${met ? 'met    ' : 'NOT met'} ${t.name}: ${digits(t.measured)} ${t.unit} (target ${t.bound === 'max' ? '<=' : '>='} ${digits(t.target)} ${t.unit})${why.map((x) => `; ${x}`).join('')}`
  })
}

export function printTargets(figures: readonly TargetFigure[]): void {
  console.log(`targets, ${figures.filter(isMet).length} of ${figures.length} met:`)
  for (const line of targetLines(figures)) console.log(line)
}
