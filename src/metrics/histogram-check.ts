/**
 * The check a schema cannot express: every kept histogram decodes. It lives beside the codec; the
 * results and baseline readers (src/report) add it to the schema's own problems.
 */
import { fieldPath } from '../contracts/schema/issues.js'
import { decodeValueCounts } from './histogram.js'

/**
 * Problems of the `histogram` strings found under `value` (any depth), one sentence each:
 * `metrics.ttftMs.distribution.histogram is not a compressed base64 HDR histogram`.
 */
export function histogramProblems(value: unknown, path: PropertyKey[] = []): string[] {
  if (typeof value !== 'object' || value === null) return []
  const out: string[] = []
  for (const [key, child] of Object.entries(value)) {
    const at = [...path, Array.isArray(value) ? Number(key) : key]
    if (key === 'histogram' && typeof child === 'string') {
      try {
        decodeValueCounts(child, fieldPath(at))
      } catch {
        out.push(`${fieldPath(at)} is not a compressed base64 HDR histogram (${child.length} characters)`)
      }
    } else out.push(...histogramProblems(child, at))
  }
  return out
}
