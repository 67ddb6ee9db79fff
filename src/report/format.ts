/** Number and label formatting shared by the JUnit and Markdown renderers (deterministic). */
import type { TargetInfo } from '../contracts/results.js'

/** A figure for people: ≥ 100 → 1 decimal, ≥ 1 → 2, below → 3 significant digits; trailing zeros kept off. */
export function formatNumber(x: number): string {
  if (!Number.isFinite(x)) return String(x)
  const abs = Math.abs(x)
  const text = abs >= 100 ? x.toFixed(1) : abs >= 1 ? x.toFixed(2) : abs === 0 ? '0' : x.toPrecision(3)
  return text.includes('.') ? text.replace(/\.?0+$/, '') : text
}

/** Signed percentage: "+12.3 %", "−4.0 %". */
export function formatChange(change: number | undefined): string {
  if (change === undefined) return '—'
  return `${change >= 0 ? '+' : '−'}${Math.abs(change * 100).toFixed(1)} %`
}

/** How results are labelled wherever they appear: "simulated 8xh100 (simulated time)" or the hardware. */
export function describeTarget(target: Pick<TargetInfo, 'kind' | 'hardware' | 'speed' | 'simulatedTime' | 'noiseCv' | 'calibration'> & Pick<TargetInfo, 'runNoise'>): string {
  if (target.kind !== 'simulated') return target.hardware
  const clock = target.simulatedTime ? `simulated time${target.noiseCv ? `, step noise ${target.noiseCv}` : ''}${target.runNoise ? `, run noise ${target.runNoise}` : ''}` : target.speed !== undefined ? `×${target.speed} speed` : ''
  const how = [clock, target.calibration ? `calibrated by ${target.calibration}` : ''].filter(Boolean).join(', ')
  return `simulated ${target.hardware}${how ? ` (${how})` : ''}`
}

/** "p = 0.032" or "p < 0.0001". */
export function pText(p: number): string {
  return p < 0.0001 ? 'p < 0.0001' : `p = ${formatP(p)}`
}

/** p-values for people: 2 significant digits, tiny ones as "< 0.0001". */
export function formatP(p: number): string {
  return p < 0.0001 ? '< 0.0001' : String(+p.toPrecision(2))
}
