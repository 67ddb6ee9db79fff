import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildReportData, renderHtmlReport, type ReportData } from '../../src/html-report/index.js'
import { buildFixtureHistory } from './report-fixture.js'

const EVIL = 'evil</script><img src=x onerror=alert(1)>'
let dir: string
let data: ReportData
let html: string

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mlnb-report-'))
  const { runs } = await buildFixtureHistory(dir, { experimentName: EVIL })
  data = buildReportData({ runs, generatedAt: '2026-01-03T00:00:00.000Z' })
  html = await renderHtmlReport(data)
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('HTML report', () => {
  it('has every chart the issue lists', () => {
    const kinds = new Set(data.sections.flatMap((s) => s.charts.map((c) => c.kind)))
    expect([...kinds].sort()).toEqual(['cdf-e2el', 'cdf-itl', 'cdf-ttft', 'deploy', 'pareto', 'predicted', 'trend', 'variants-latency', 'variants-throughput'])
  })

  it('labels simulated data on every chart that shows some, and only there', () => {
    const charts = data.sections.flatMap((s) => s.charts)
    for (const c of charts) {
      const title = (c.config as { options: { plugins: { title: { text: string } } } }).options.plugins.title.text
      expect(title.includes('SIMULATED')).toBe(c.simulated)
    }
    // The imported compressa-perf experiment (a real node) is the only data of its charts.
    expect(charts.filter((c) => !c.simulated).map((c) => c.title)).toContain(`compressa-perf tp8 › ${EVIL}: E2EL p50 over runs`)
    expect(html.match(/<span class="sim">SIMULATED<\/span>/g)!.length).toBe(charts.filter((c) => c.simulated).length + 1)
  })

  it('says which series are simulated where a chart mixes them with measured data', () => {
    const mixed = data.sections.flatMap((s) => s.charts).find((c) => c.kind === 'variants-latency' && c.title.includes('chat 1k→200'))!
    const config = mixed.config as { data: { labels: string[] }; options: { plugins: { title: { text: string } } } }
    expect(config.options.plugins.title.text).toContain('— partly SIMULATED')
    expect(config.data.labels).toEqual(['tp1 (simulated)', 'tp2 (simulated)', 'tp4 (simulated)', 'tp8-node'])
  })

  it('marks a run beyond the baseline band as a regression', () => {
    // tp1 ran 30 % slower in run 2 than the median of both runs allows.
    const trend = data.sections.flatMap((s) => s.charts).find((c) => c.kind === 'trend' && c.title.startsWith('tp1 › chat 1k→200'))!
    const datasets = (trend.config as { data: { datasets: Array<{ label: string; data: Array<number | null> }> } }).data.datasets
    expect(datasets.find((d) => d.label.startsWith('regression'))!.data.map((v) => v !== null)).toEqual([false, true])
  })

  it('escapes every text from the results and needs no network', () => {
    expect(html).not.toContain(EVIL)
    expect(html).toContain(EVIL.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;'))
    // One closing tag per script element: nothing in the data or the library ends one early.
    expect(html.match(/<\/script>/gi)!.length).toBe(3)
    expect(html).not.toMatch(/<script[^>]+src=|<link\b|https?:\/\/[^"'\s]+\.(js|css)\b/i)
  })
})
