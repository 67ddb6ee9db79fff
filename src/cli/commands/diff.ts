/**
 * `mlnode-bench diff --baseline <file> --results <file> [--markdown out.md] [--junit out.xml] [--update]`:
 * the baseline gate outside vitest (CI merge job). Exit 1 on a significant regression.
 */
import { parseArgs } from 'node:util'
import { MlnodeBenchError } from '../../errors.js'
import { writeFileAtomic } from '../../report/atomic-write.js'
import { DEFAULT_BASELINE_FILE, readBaseline, updateBaseline, writeBaseline } from '../../report/baseline.js'
import { diffResults } from '../../report/diff.js'
import { renderDiffText } from '../../report/diff-text.js'
import { renderJUnit } from '../../report/junit.js'
import { renderMarkdown } from '../../report/markdown.js'
import { readRunResults } from '../../report/run-results.js'

export const summary = 'compare results.json with the baseline; exit 1 on a significant regression'

const USAGE = `Usage: mlnode-bench diff --results <results.json> [--baseline ${DEFAULT_BASELINE_FILE}]
                         [--markdown summary.md] [--junit junit.xml] [--alpha 0.01] [--update]

--update (or MLNODE_BENCH_UPDATE_BASELINE=1) accepts the passed results into the baseline instead
of failing on regressions. A missing baseline is reported, not a failure.`

export async function run(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      baseline: { type: 'string', default: DEFAULT_BASELINE_FILE },
      results: { type: 'string' },
      markdown: { type: 'string' },
      junit: { type: 'string' },
      alpha: { type: 'string' },
      update: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
  })
  if (values.help) {
    console.log(USAGE)
    return 0
  }
  if (!values.results) throw new MlnodeBenchError('MLNB_CLI', `diff needs --results\n\n${USAGE}`)
  const alpha = values.alpha === undefined ? undefined : Number(values.alpha)
  if (alpha !== undefined && !(alpha > 0 && alpha < 1)) throw new MlnodeBenchError('MLNB_CLI', `--alpha must be between 0 and 1, got "${values.alpha}"`)
  const run = await readRunResults(values.results)
  const baseline = await readBaseline(values.baseline)
  const diff = diffResults(baseline, run.results, alpha === undefined ? {} : { alpha })
  console.log(renderDiffText(diff, values.baseline))
  if (values.markdown) await writeFileAtomic(values.markdown, renderMarkdown(diff, { run: run.provenance }))
  if (values.junit) await writeFileAtomic(values.junit, renderJUnit(run.results, { diff }))
  if (values.update || process.env.MLNODE_BENCH_UPDATE_BASELINE === '1') {
    const { baseline: next, replaced, added, kept } = updateBaseline(baseline, run.results, run.provenance)
    if (replaced.length + added.length === 0) {
      console.log(`Baseline ${values.baseline} left unchanged: no passed result to accept.`)
      return 0
    }
    await writeBaseline(values.baseline, next)
    console.log(`Baseline ${values.baseline} updated: ${replaced.length} replaced, ${added.length} added, ${kept.length} kept.${diff.hasRegression ? ` ${diff.counts.regressed} regression(s) were ACCEPTED.` : ''}`)
    return 0
  }
  return diff.hasRegression ? 1 : 0
}
