/** One /metrics page as the figures of vllm-names.ts: parsed by parse-prometheus-text-format. */
import parsePrometheusTextFormat from 'parse-prometheus-text-format'
import { SERVER_FIGURES, type ServerFigure } from '../contracts/vllm-metric-names.js'

/** A figure on one page: the name it was found under and its value per label set (one per engine). */
export interface PageFigure {
  name: string
  values: number[]
}

export type MetricsPage = Partial<Record<ServerFigure, PageFigure>>

interface ParsedFamily {
  name: string
  metrics: Array<{ value?: string; labels?: Record<string, string> }>
}

/** The figures a page has; a figure none of whose names is on the page is absent. */
export function readMetricsPage(text: string): MetricsPage {
  const families = new Map((parsePrometheusTextFormat(text) as ParsedFamily[]).map((f) => [f.name, f]))
  const page: MetricsPage = {}
  for (const [figure, { names }] of Object.entries(SERVER_FIGURES) as Array<[ServerFigure, (typeof SERVER_FIGURES)[ServerFigure]]>) {
    const name = names.find((n) => families.has(n))
    if (name === undefined) continue
    const values = families
      .get(name)!
      .metrics.map((m) => Number(m.value))
      .filter((v) => Number.isFinite(v))
    page[figure] = { name, values }
  }
  return page
}
