/**
 * The HTML report opened in a real browser: Debian's headless Chromium driven by playwright-core.
 * Fails on any console error or page error; checks every chart drew data points; leaves a
 * screenshot at .mlnode-bench/report-screenshot.png for a person to look at.
 */
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { chromium } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { buildReportData, renderHtmlReport, type ReportData } from '../../src/html-report/index.js'
import { PROCESS_TEST_TIMEOUT_MS } from '../timeouts.js'
import { buildFixtureHistory } from './report-fixture.js'

// A browser start-up on a busy 2-core machine: a deadline against hangs, not a speed check.
vi.setConfig({ testTimeout: PROCESS_TEST_TIMEOUT_MS, hookTimeout: PROCESS_TEST_TIMEOUT_MS })

const CHROMIUM = '/usr/bin/chromium'
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']
const repo = fileURLToPath(new URL('../../', import.meta.url))
const hasChromium = existsSync(CHROMIUM)
// Printed after the summary by test/helpers/skip-notes-reporter.ts, so a machine without Chromium says so.
const SKIP_NOTE = `${CHROMIUM} is missing (Debian: apt-get install -y chromium; .ci/run installs it)`

let dir = ''
let data: ReportData
let reportPath: string

beforeAll(async () => {
  if (!hasChromium) return
  dir = await mkdtemp(join(tmpdir(), 'mlnb-browser-'))
  const { runs } = await buildFixtureHistory(dir)
  data = buildReportData({ runs })
  reportPath = join(dir, 'report.html')
  await writeFile(reportPath, await renderHtmlReport(data))
})
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true })
})

describe('HTML report in headless Chromium', () => {
  it('renders every chart with data points, without a console error', async (ctx) => {
    ctx.skip(!hasChromium, SKIP_NOTE)
    const profile = join(dir, 'chromium-profile')
    const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: FLAGS, viewport: { width: 1400, height: 1000 } })
    try {
      const page = await context.newPage()
      const errors: string[] = []
      page.on('console', (m) => m.type() === 'error' && errors.push(m.text()))
      page.on('pageerror', (e) => errors.push(String(e)))
      // Nothing may be fetched: the file is self-contained.
      const requests: string[] = []
      page.on('request', (r) => r.url().startsWith('file:') || requests.push(r.url()))
      await page.goto(pathToFileURL(reportPath).href)
      await page.waitForSelector('html[data-charts-rendered]')

      // Runs in the page (this project compiles without the DOM types: the shapes used are declared here).
      const drawn = await page.evaluate(() => {
        interface El { getAttribute(name: string): string | null; querySelector(selector: string): (El & { width: number }) | null }
        interface ChartLike { data: { datasets: unknown[] }; getDatasetMeta(i: number): { data: unknown[] } }
        const page = globalThis as unknown as { Chart: { getChart(canvas: unknown): ChartLike | undefined }; document: { querySelectorAll(selector: string): Iterable<El> } }
        return [...page.document.querySelectorAll('figure.chart')].map((f) => {
          const canvas = f.querySelector('canvas')!
          const chart = page.Chart.getChart(canvas)
          const points = chart ? chart.data.datasets.reduce<number>((n, _d, i) => n + chart.getDatasetMeta(i).data.length, 0) : -1
          return { kind: f.getAttribute('data-kind'), points, width: canvas.width, simulated: f.getAttribute('data-simulated') === 'true', badge: f.querySelector('.sim') !== null }
        })
      })
      const expected = data.sections.flatMap((s) => s.charts)
      expect(drawn).toHaveLength(expected.length)
      expect(drawn.filter((d) => d.points <= 0 || d.width === 0)).toEqual([])
      expect(new Set(drawn.map((d) => d.kind))).toEqual(new Set(['variants-latency', 'variants-throughput', 'cdf-ttft', 'cdf-itl', 'cdf-e2el', 'pareto', 'deploy', 'predicted', 'trend', 'sweep-slo', 'sweep-goodput', 'server-telemetry', 'gpu-stages']))
      // The sweep's curves: both variants on one chart, each with its knee (a star) drawn.
      const sweepCharts = drawn.filter((d) => d.kind === 'sweep-slo' || d.kind === 'sweep-goodput')
      expect(sweepCharts.map((d) => d.points)).toEqual([4 + 1 + 4 + 1 + 2, 4 + 1 + 4 + 1])
      // The telemetry series: KV use and queue of both variants over the workload (5 samples each), and each variant's GPU stage.
      expect(drawn.filter((d) => d.kind === 'server-telemetry').map((d) => d.points)).toEqual([2 * (5 + 5)])
      expect(drawn.filter((d) => d.kind === 'gpu-stages').map((d) => d.points)).toEqual([2])
      expect(drawn.filter((d) => d.simulated !== d.badge)).toEqual([])
      expect(errors).toEqual([])
      expect(requests).toEqual([])

      await mkdir(join(repo, '.mlnode-bench'), { recursive: true })
      const shot = join(repo, '.mlnode-bench', 'report-screenshot.png')
      await page.screenshot({ path: shot, fullPage: true })
      expect(existsSync(shot)).toBe(true)
    } finally {
      await context.close()
    }
  })
})
