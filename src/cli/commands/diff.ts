/**
 * `mlnode-bench diff --baseline <file> --results <file> [--markdown out.md] [--junit out.xml] [--update]`:
 * the baseline gate outside vitest (CI merge job). Exit 1 on a significant regression.
 */
import { writeFileAtomic } from '../../report/atomic-write.js'
import { DEFAULT_BASELINE_FILE, readBaseline, updateBaseline, writeBaseline } from '../../report/baseline.js'
import { diffResults } from '../../report/diff.js'
import { renderDiffText } from '../../report/diff-text.js'
import { renderJUnit } from '../../report/junit.js'
import { renderMarkdown } from '../../report/markdown.js'
import { readRunResults } from '../../report/run-results.js'
import { parseCommandLine } from '../parse-options.js'

export const summary = 'compare results.json with the baseline; exit 1 on a significant regression'

const USAGE = `Usage: mlnode-bench diff --results <results.json> [--baseline ${DEFAULT_BASELINE_FILE}]
                         [--markdown summary.md] [--junit junit.xml] [--alpha 0.01] [--update]

--update (or MLNODE_BENCH_UPDATE_BASELINE=1) accepts the passed results into the baseline instead
of failing on regressions. A missing baseline is reported, not a failure.`

/** Entry point of `mlnode-bench diff`. */
export async function run(argv: string[]): Promise<number> {
  const cli = parseCommandLine(
    {
      command: 'diff',
      usage: USAGE,
      options: {
        baseline: { type: 'string' },
        results: { type: 'string', required: true },
        markdown: { type: 'string' },
        junit: { type: 'string' },
        alpha: { type: 'number', above: 0, below: 1 },
        update: { type: 'boolean' },
      },
    },
    argv,
  )
  if (!cli) return 0
  const { alpha, ...rest } = cli.values
  const values = { ...rest, baseline: rest.baseline ?? DEFAULT_BASELINE_FILE }
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
