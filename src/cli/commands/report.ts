/** `mlnode-bench report [--history <db>] [--out report.html]`: the HTML report of the run history. */
import { resolve } from 'node:path'
import { DEFAULT_HISTORY_FILE, HISTORY_URL_VARIABLE, historyLocation, withHistory } from '../../history/store.js'
import { buildReportData, renderHtmlReport } from '../../html-report/index.js'
import { writeFileAtomic } from '../../outputs/atomic-write.js'
import { loadBaseline } from '../../outputs/baseline-file.js'
import { MlnodeBenchError } from '../../errors.js'
import { parseCommandLine } from '../parse-options.js'

export const summary = 'write the HTML report (charts of every run in the history) to one self-contained file'

const USAGE = `Usage: mlnode-bench report [--history ${DEFAULT_HISTORY_FILE}] [--out .mlnode-bench/report.html]
                           [--branch <name>] [--limit <runs>] [--baseline <baseline.json>] [--title <text>]

One HTML file, no network needed to view it: per model and workload the variants side by side with
their uncertainty, TTFT/ITL/E2EL distributions, throughput per GPU vs per user (Pareto), deploy
time, predicted vs measured, and trends over the stored runs with the baseline's band (the given
baseline file, else the median of the stored runs). Simulated figures are labelled on every chart.
--history is an SQLite file or a postgres:// URL; without it, ${HISTORY_URL_VARIABLE} when set.`

/** Entry point of `mlnode-bench report`. */
export async function run(argv: string[]): Promise<number> {
  const cli = parseCommandLine(
    {
      command: 'report',
      usage: USAGE,
      options: { history: { type: 'string' }, out: { type: 'string', short: 'o' }, branch: { type: 'string' }, limit: { type: 'integer', min: 1 }, baseline: { type: 'string' }, title: { type: 'string' } },
    },
    argv,
  )
  if (!cli) return 0
  const v = cli.values
  const out = v.out ?? '.mlnode-bench/report.html'
  const runs = await withHistory(historyLocation(v.history), (store) => store.runs({ ...(v.branch === undefined ? {} : { branch: v.branch }), ...(v.limit === undefined ? {} : { limit: v.limit }) }))
  let baseline
  if (v.baseline !== undefined) {
    const loaded = await loadBaseline(v.baseline, { required: true })
    if (!loaded.baseline) throw new MlnodeBenchError('MLNB_BASELINE', loaded.status.error?.message ?? `No baseline at ${v.baseline}`, { details: { file: v.baseline } })
    baseline = { file: loaded.baseline, shownAs: v.baseline }
  }
  const data = buildReportData({ runs, ...(baseline ? { baseline } : {}), ...(v.title === undefined ? {} : { title: v.title }) })
  await writeFileAtomic(resolve(out), await renderHtmlReport(data))
  const charts = data.sections.reduce((n, s) => n + s.charts.length, 0)
  console.log(`Report written to ${out}: ${runs.length} run${runs.length === 1 ? '' : 's'}, ${charts} chart${charts === 1 ? '' : 's'}${data.simulated ? ' (simulated figures labelled)' : ''}`)
  return 0
}
