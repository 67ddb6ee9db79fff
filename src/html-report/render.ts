/**
 * The report as ONE self-contained HTML file: Chart.js (its UMD build, read from node_modules at
 * render time) and the chart data are inlined, so the page needs no network when viewed. All
 * text from results is escaped; the data travels as JSON in a non-executed script element.
 */
import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { runDescription, runGate, runName } from '../history/list-text.js'
import type { ChartSpec } from './chart-spec.js'
import { escapeHtml, jsonForScript } from './escape.js'
import type { ReportData } from './report-data.js'

let chartJs: Promise<string> | undefined

/** Chart.js's UMD build (the package exports only its modules: the file is found beside its main). */
export function chartJsSource(): Promise<string> {
  chartJs ??= readFile(join(dirname(createRequire(import.meta.url).resolve('chart.js')), 'chart.umd.min.js'), 'utf8')
  return chartJs
}

const STYLE = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 0 auto; max-width: 1400px; padding: 0 16px 48px; color: #222; }
h1 { margin: 20px 0 4px; } h2 { margin-top: 32px; border-bottom: 1px solid #ddd; }
.sim { background: #fff1d6; color: #8a4b00; border: 1px solid #e0a040; border-radius: 4px; padding: 1px 6px; font-weight: 600; }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(440px, 1fr)); gap: 16px; }
figure.chart { margin: 0; border: 1px solid #e3e3e3; border-radius: 6px; padding: 8px; }
.canvas-box { position: relative; height: 300px; }
figcaption { font-size: 12px; color: #555; margin-top: 6px; }
table { border-collapse: collapse; font-size: 12px; } td, th { border: 1px solid #ddd; padding: 3px 6px; text-align: left; }
table.comparison td:not(:first-child) { text-align: right; font-variant-numeric: tabular-nums; }
td.best { font-weight: 700; background: #e8f5e9; }
tr.failed td, td.failed { color: #b00020; } tr.failed td:first-child, td.failed { font-weight: 600; }
p.recommendation { font-weight: 600; margin: 6px 0 18px; }
ul.failures { color: #b00020; margin: 4px 0; } ul.server { margin: 4px 0; color: #444; } ul.validation li.failed { color: #b00020; font-weight: 600; }
nav a { margin-right: 12px; }
`

/** Renders the chart data back into a Chart.js call per canvas; marks the page done for tests. */
const CLIENT = `
(function () {
  var specs = JSON.parse(document.getElementById('mlnb-charts').textContent);
  specs.forEach(function (s) { new Chart(document.getElementById(s.id), s.config); });
  document.documentElement.setAttribute('data-charts-rendered', String(specs.length));
})();
`

function figure(chart: ChartSpec): string {
  const badge = chart.simulated ? '<span class="sim">SIMULATED</span> ' : ''
  return `<figure class="chart" data-kind="${escapeHtml(chart.kind)}" data-simulated="${chart.simulated}">
<div class="canvas-box"><canvas id="${escapeHtml(chart.id)}" role="img" aria-label="${escapeHtml(chart.title)}"></canvas></div>
<figcaption>${badge}${escapeHtml(chart.caption)}</figcaption>
</figure>`
}

/** Runs the table lists (the newest); the charts still use every run given. */
export const RUNS_SHOWN = 10

/** A run that did not finish, whose results did not all pass, or that failed the gate is marked failed. */
function runFailed(r: ReportData['runs'][number]): boolean {
  return r.passed < r.results || (r.state !== undefined && r.state !== 'complete') || runGate(r)?.verdict === 'regressed'
}

function runsTable(data: ReportData): string {
  if (data.runs.length === 0) return '<p>No runs in the history yet: run the benchmarks, or add a results file with <code>mlnode-bench history add</code>.</p>'
  const shown = data.runs.slice(0, RUNS_SHOWN)
  const rows = shown.map((r) => {
    const commit = r.commit ? `${r.branch ? `${r.branch}@` : ''}${r.commit.slice(0, 7)}${r.dirty ? '+dirty' : ''}` : '-'
    const failed = runFailed(r)
    return `<tr${failed ? ' class="failed"' : ''} data-failed="${failed}"><td>${r.seq}</td><td>${escapeHtml(r.date)}</td><td>${escapeHtml(r.source)}</td><td>${escapeHtml(runName(r))}</td><td>${escapeHtml(commit)}</td><td>${escapeHtml(runDescription(r))}</td></tr>`
  })
  const older = data.runs.length - shown.length
  const more = older > 0 ? `<p>${older} older run${older === 1 ? '' : 's'} not listed (<code>npx mlnode-bench history list</code> lists every run).</p>` : ''
  return `<table><thead><tr><th>ID</th><th>Date</th><th>Source</th><th>Name</th><th>Commit</th><th>Outcome</th></tr></thead><tbody>${rows.join('')}</tbody></table>${more}`
}

/** The numbers first: each model › workload's variants side by side with the recommendation. */
function comparisonSection(data: ReportData): string {
  if (data.comparisons.length === 0 && data.validation.length === 0) return ''
  const blocks = data.comparisons.map((c) => {
    const badge = c.simulated ? '<span class="sim">SIMULATED</span> ' : ''
    const failures = c.failures.length ? `<ul class="failures">${c.failures.map((f) => `<li>✗ ${escapeHtml(f.variant)}: ${escapeHtml(f.message)}</li>`).join('')}</ul>` : ''
    if (!c.table) return `<h3>${badge}${escapeHtml(c.model)} › ${escapeHtml(c.workload)}</h3><p>No variant was measured.</p>${failures}`
    const head = `<tr>${c.table.header.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr>`
    const body = c.table.body
      .map((row) => {
        const failed = row[0]!.endsWith('(FAILED)') || row[1]!.startsWith('FAILED')
        const cells = row.map((cell, i) => {
          const best = i > 0 && cell.endsWith('*')
          return `<td${best ? ' class="best"' : ''}>${escapeHtml(best ? cell.slice(0, -1) : cell.trim())}</td>`
        })
        return `<tr${failed ? ' class="failed"' : ''}>${cells.join('')}</tr>`
      })
      .join('')
    return `<h3>${badge}${escapeHtml(c.model)} › ${escapeHtml(c.workload)}</h3>
<p>${escapeHtml(c.table.measuredOn)}; latest result of each variant; bold = best of the column.</p>
<table class="comparison"><thead>${head}</thead><tbody>${body}</tbody></table>${failures}${c.table.server.length ? `<ul class="server">${c.table.server.map((s) => `<li>${escapeHtml(s.variant)} ${escapeHtml(s.line)}</li>`).join('')}</ul>` : ''}
<p class="recommendation">${escapeHtml(c.table.recommendation)}</p>`
  })
  const verdicts = data.verdicts.map((v) => `<p class="recommendation">${escapeHtml(v)}</p>`).join('')
  const validation = data.validation.length ? `<h3>Inference validation</h3><ul class="validation">${data.validation.map((l) => `<li${l.startsWith('✗') ? ' class="failed"' : ''}>${escapeHtml(l)}</li>`).join('')}</ul>` : ''
  return `<section id="comparison"><h2>Comparison and recommendation</h2>${blocks.join('\n')}${verdicts}${validation}</section>`
}

/** The whole page. */
export async function renderHtmlReport(data: ReportData): Promise<string> {
  const library = (await chartJsSource()).replace(/<\/script/gi, '<\\/script')
  const charts = data.sections.flatMap((s) => s.charts)
  const banner = data.simulated ? '<p><span class="sim">SIMULATED</span> Figures marked SIMULATED come from the embedded simulator (the performance model), not from real GPUs.</p>' : ''
  const nav = data.sections.map((s) => `<a href="#${escapeHtml(s.id)}">${escapeHtml(s.heading)}</a>`).join(' ')
  const sections = data.sections.map((s) => `<section id="${escapeHtml(s.id)}"><h2>${escapeHtml(s.heading)}</h2><div class="grid">${s.charts.map(figure).join('\n')}</div></section>`).join('\n')
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(data.title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>${escapeHtml(data.title)}</h1>
<p>Generated ${escapeHtml(data.generatedAt)} from ${data.runs.length} run${data.runs.length === 1 ? '' : 's'}; ${charts.length} chart${charts.length === 1 ? '' : 's'}.</p>
${banner}
<nav><a href="#comparison">Comparison</a> <a href="#runs">Runs</a> ${nav}</nav>
</header>
${comparisonSection(data)}
<section id="runs"><h2>Latest runs</h2>${runsTable(data)}</section>
${sections}
<script type="application/json" id="mlnb-charts">${jsonForScript(charts.map((c) => ({ id: c.id, config: c.config })))}</script>
<script>${library}</script>
<script>${CLIENT}</script>
</body>
</html>
`
}
