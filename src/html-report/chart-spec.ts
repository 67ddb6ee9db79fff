/**
 * Chart.js configurations as plain JSON (no functions): built here from data, embedded in the
 * page, handed to `new Chart()` there. Every chart whose data is simulated says so in its title.
 */

/** One chart of the report. */
export interface ChartSpec {
  id: string
  /** What the chart shows (for the browser test and people: `pareto`, `cdf-ttft`, `trend`…). */
  kind: string
  title: string
  simulated: boolean
  /** One or two sentences under the chart: how to read it, where its figures come from. */
  caption: string
  config: Record<string, unknown>
}

const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf']

/** A stable colour per position. */
export function colour(i: number, alpha = 1): string {
  const hex = PALETTE[i % PALETTE.length]!
  if (alpha === 1) return hex
  const n = Number.parseInt(hex.slice(1), 16)
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`
}

/** How much of a chart's data is simulated: all, some (those series are marked), or none. */
export type Simulation = 'all' | 'partly' | 'none'

/** The simulation state of data points flagged simulated or not. */
export function simulationOf(flags: readonly boolean[]): Simulation {
  const n = flags.filter(Boolean).length
  return n === 0 ? 'none' : n === flags.length ? 'all' : 'partly'
}

/** A series label: in a chart mixing simulated and measured data, the simulated ones say so. */
export function seriesLabel(label: string, simulated: boolean, simulation: Simulation): string {
  return simulation === 'partly' && simulated ? `${label} (simulated)` : label
}

/** The title as shown: simulated data is labelled on the chart itself. */
export function chartTitle(title: string, simulation: Simulation | boolean): string {
  if (simulation === true || simulation === 'all') return `${title} — SIMULATED`
  return simulation === 'partly' ? `${title} — partly SIMULATED (series marked "simulated")` : title
}

/** Common options: title, legend, no animation (the page renders at once, screenshots are stable). */
export function baseOptions(title: string, simulated: Simulation | boolean, axes: Record<string, unknown>): Record<string, unknown> {
  return {
    animation: false,
    responsive: true,
    maintainAspectRatio: false,
    plugins: {
      title: { display: true, text: chartTitle(title, simulated), color: simulated ? '#8a4b00' : '#222' },
      legend: { position: 'bottom' },
    },
    scales: axes,
  }
}

/** An axis with a title. */
export function axis(title: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { title: { display: true, text: title }, ...extra }
}

/**
 * A category axis whose labels never overlap: every label is shown, unrotated, each wrapped onto
 * lines (Chart.js draws an array label as one line per element), so long variant names and
 * "variant › workload" labels stack instead of colliding.
 */
export function categoryAxis(title: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return axis(title, { ticks: { autoSkip: false, maxRotation: 0, minRotation: 0 }, ...extra })
}

/** A label as lines of at most `width` characters, broken at " › " and spaces (a longer word stays whole). */
export function wrapLabel(text: string, width = 10): string[] {
  const lines: string[] = []
  for (const part of text.split(' › ')) {
    let line = ''
    for (const word of part.split(' ')) {
      if (line && line.length + 1 + word.length > width) {
        lines.push(line)
        line = word
      } else line = line ? `${line} ${word}` : word
    }
    if (line) lines.push(line)
  }
  return lines
}
