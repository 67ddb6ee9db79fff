/**
 * Every figure a baseline holds is a latency, a count, a rate or a duration: none can be below 0.
 * The schema only asks for finite numbers, so a hand-edited `"value": -120` would be judged
 * ("improved −14538 %"); such an entry is set aside as invalid instead, named with its field.
 */
import { fieldPath } from '../contracts/schema/issues.js'

/** One sentence per negative figure of a raw entry (schema-valid), empty when none. */
export function negativeFigureProblems(raw: unknown): string[] {
  const problems: string[] = []
  const metrics = (raw as { metrics?: Record<string, Record<string, unknown>> }).metrics ?? {}
  for (const [id, metric] of Object.entries(metrics)) {
    if (typeof metric?.value === 'number' && metric.value < 0) problems.push(`${fieldPath(['metrics', id, 'value'])} must be ≥ 0, got ${metric.value}`)
    const distribution = metric?.distribution as Record<string, unknown> | undefined
    for (const [key, v] of Object.entries(distribution ?? {})) {
      if (typeof v === 'number' && v < 0) problems.push(`${fieldPath(['metrics', id, 'distribution', key])} must be ≥ 0, got ${v}`)
    }
  }
  const history = (raw as { history?: Record<string, unknown> }).history ?? {}
  for (const [id, values] of Object.entries(history)) {
    if (!Array.isArray(values)) continue
    values.forEach((v, i) => {
      if (typeof v === 'number' && v < 0) problems.push(`${fieldPath(['history', id, i])} must be ≥ 0, got ${v}`)
    })
  }
  return problems
}
