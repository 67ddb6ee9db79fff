import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildReportData, renderHtmlReport, type ReportData } from '../../src/html-report/index.js'
import { wrapLabel } from '../../src/html-report/chart-spec.js'
import { RUNS_SHOWN } from '../../src/html-report/render.js'
import { escapeHtml as escapeText } from '../../src/html-report/escape.js'
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
    expect([...kinds].sort()).toEqual(['cdf-e2el', 'cdf-itl', 'cdf-ttft', 'deploy', 'gpu-stages', 'pareto', 'predicted', 'server-telemetry', 'sweep-goodput', 'sweep-slo', 'trend', 'variants-latency', 'variants-throughput'])
  })

  it('labels simulated data on every chart that shows some, and only there', () => {
    const charts = data.sections.flatMap((s) => s.charts)
    for (const c of charts) {
      const title = (c.config as { options: { plugins: { title: { text: string } } } }).options.plugins.title.text
      expect(title.includes('SIMULATED')).toBe(c.simulated)
    }
    // The imported compressa-perf experiment (a real node) is the only data of its charts.
    expect(charts.filter((c) => !c.simulated).map((c) => c.title)).toContain(`compressa-perf tp8 › ${EVIL}: E2EL p50 over runs`)
    // One badge per simulated chart, one per simulated comparison table, and the page's banner.
    expect(html.match(/<span class="sim">SIMULATED<\/span>/g)!.length).toBe(charts.filter((c) => c.simulated).length + data.comparisons.filter((c) => c.simulated).length + 1)
  })

  it('says which series are simulated where a chart mixes them with measured data', () => {
    const mixed = data.sections.flatMap((s) => s.charts).find((c) => c.kind === 'variants-latency' && c.title.includes('chat 1k→200'))!
    const config = mixed.config as { data: { labels: string[][] }; options: { plugins: { title: { text: string } } } }
    expect(config.options.plugins.title.text).toContain('— partly SIMULATED')
    expect(config.data.labels.map((lines) => lines.join(' '))).toEqual(['tp1 (simulated)', 'tp2 (simulated)', 'tp4 (simulated)', 'tp8-node'])
  })

  it('marks a run beyond the baseline band as a regression', () => {
    // tp1 ran 30 % slower in run 2 than the median of both runs allows.
    const trend = data.sections.flatMap((s) => s.charts).find((c) => c.kind === 'trend' && c.title.startsWith('tp1 › chat 1k→200'))!
    const datasets = (trend.config as { data: { datasets: Array<{ label: string; data: Array<number | null> }> } }).data.datasets
    expect(datasets.find((d) => d.label.startsWith('regression'))!.data.map((v) => v !== null)).toEqual([false, true])
  })

  it('shows the comparison and the recommendation before any chart', () => {
    const comparison = html.indexOf('<section id="comparison">')
    expect(comparison).toBeGreaterThan(0)
    expect(comparison).toBeLessThan(html.indexOf('<canvas'))
    const chat = data.comparisons.find((c) => c.workload === 'chat 1k→200')!
    // The latest result of each variant: tp1 (run 2, slower), tp2, tp4 and the real node's tp8.
    expect(chat.table!.body.map((row) => row[0])).toEqual(['tp1', 'tp2', 'tp4', 'tp8-node'])
    expect(chat.table!.recommendation).toMatch(/^(Recommendation|Near tie): /)
    const section = html.slice(comparison, html.indexOf('</section>', comparison))
    expect(section).toContain(escapeText(chat.table!.recommendation))
    // Each column's best value is bold: as many bold cells as the tables mark with `*`.
    const marked = data.comparisons.flatMap((c) => c.table?.body.flat() ?? []).filter((cell) => cell.endsWith('*')).length
    expect(marked).toBeGreaterThan(0)
    expect(section.match(/<td class="best">/g)!.length).toBe(marked)
  })

  it('lists only the latest runs, marking those that failed', async () => {
    const many = [...Array(14)].map((_, i) => ({ ...data.runs[0]!, seq: 20 - i, runId: `run-${20 - i}`, passed: i === 1 ? 1 : 3, results: 3 }))
    const page = await renderHtmlReport({ ...data, runs: many })
    const runs = page.slice(page.indexOf('<section id="runs">'), page.indexOf('</section>', page.indexOf('<section id="runs">')))
    expect(runs.match(/<tr[ >]/g)!.length - 1).toBe(RUNS_SHOWN)
    expect(runs).toContain('4 older runs not listed')
    expect(runs.match(/data-failed="true"/g)).toHaveLength(1)
    expect(runs).toMatch(/<tr class="failed" data-failed="true"><td>19<\/td>/)
  })

  it('draws each confidence interval on its own bar, and never overlaps category labels', () => {
    const latency = data.sections.flatMap((s) => s.charts).find((c) => c.kind === 'variants-latency')!
    const config = latency.config as { data: { datasets: Array<{ label: string; stack: string }> }; options: { scales: { x: { stacked: boolean; ticks: { autoSkip: boolean; maxRotation: number } }; y: { stacked: boolean } } } }
    const stacks = config.data.datasets.map((d) => [d.label, d.stack])
    expect(stacks).toEqual([['TTFT p50', 'TTFT'], ['TTFT p50, 95 % CI', 'TTFT'], ['E2EL p50', 'E2EL'], ['E2EL p50, 95 % CI', 'E2EL']])
    expect(config.options.scales.x.stacked).toBe(true)
    expect(config.options.scales.y.stacked).toBe(false)
    expect(config.options.scales.x.ticks).toMatchObject({ autoSkip: false, maxRotation: 0 })
    expect(wrapLabel('tp4-pp2 (simulated) › chat 1k→200, 8 users', 16)).toEqual(['tp4-pp2', '(simulated)', 'chat 1k→200, 8', 'users'])
  })

  it('escapes every text from the results and needs no network', () => {
    expect(html).not.toContain(EVIL)
    expect(html).toContain(EVIL.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;'))
    // One closing tag per script element: nothing in the data or the library ends one early.
    expect(html.match(/<\/script>/gi)!.length).toBe(3)
    expect(html).not.toMatch(/<script[^>]+src=|<link\b|https?:\/\/[^"'\s]+\.(js|css)\b/i)
  })
})
