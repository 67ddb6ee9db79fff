/**
 * `mlnode-bench diff --baseline <file> --results <file> [--markdown out.md] [--junit out.xml] [--update]`:
 * the baseline gate outside vitest (CI merge job). Exit 1 on a significant regression.
 */
import { MlnodeBenchError } from '../../errors.js'
import { writeFileAtomic } from '../../outputs/atomic-write.js'
import { DEFAULT_BASELINE_FILE, updateBaseline } from '../../report/baseline.js'
import { assertFirstBaselineRepeats } from '../../report/first-baseline.js'
import { baselineProblems, missingBaselineMessage } from '../../report/baseline-status.js'
import { loadBaseline, writeBaseline } from '../../outputs/baseline-file.js'
import { diffResults } from '../../report/diff.js'
import { renderDiffText } from '../../report/diff-text.js'
import { renderJUnit } from '../../report/junit.js'
import { renderMarkdown } from '../../report/markdown.js'
import { readRunResults } from '../../outputs/results-file.js'
import { loadHistoryBaseline, parseHistoryBaselineSpec } from '../../history/baseline-from-history.js'
import { DEFAULT_HISTORY_FILE, historyLocation } from '../../history/store.js'
import { envFlag } from '../../run/env-options.js'
import { parseCommandLine, usageError } from '../parse-options.js'

export const summary = 'compare results.json with the baseline; exit 1 on a significant regression'

const USAGE = `Usage: mlnode-bench diff --results <results.json> [--baseline ${DEFAULT_BASELINE_FILE}]
                         [--markdown summary.md] [--junit junit.xml] [--alpha 0.01] [--update]
                         [--allow-missing-baseline]
                         [--baseline-from-history <branch>[:<runs>] [--history ${DEFAULT_HISTORY_FILE}]]

--update (or MLNODE_BENCH_UPDATE_BASELINE=1) accepts the passed results into the baseline instead
of failing on regressions; it creates the baseline when there is none.
A missing baseline is an error (MLNB_BASELINE_MISSING: the gate would be off) unless
--allow-missing-baseline is given. A corrupt baseline is an error; an invalid entry fails the run
and is not compared, the other entries still are. The reports are written in every case.
--baseline-from-history main:5 takes the baseline from the run history instead of the file: the
last 5 finished runs on branch main (latency histograms merged, other figures their median; the
run being judged is left out). It cannot be combined with --baseline or --update.`

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
        'allow-missing-baseline': { type: 'boolean' },
        'baseline-from-history': { type: 'string' },
        history: { type: 'string' },
      },
    },
    argv,
  )
  if (!cli) return 0
  const { alpha, ...rest } = cli.values
  const values = { ...rest, baseline: rest.baseline ?? DEFAULT_BASELINE_FILE }
  const update = values.update === true || envFlag('MLNODE_BENCH_UPDATE_BASELINE')
  const fromHistory = values['baseline-from-history']
  if (fromHistory === undefined && values.history !== undefined) throw usageError('diff', '--history only goes with --baseline-from-history', { option: 'history' })
  if (fromHistory !== undefined && (rest.baseline !== undefined || update))
    throw usageError('diff', `--baseline-from-history cannot be combined with ${rest.baseline !== undefined ? '--baseline' : '--update'}`, { option: 'baseline-from-history', value: fromHistory })
  // The options are checked before any file is read: a bad ref is misuse (exit 2), whatever the files.
  const historySpec = fromHistory === undefined ? undefined : parseHistoryBaselineSpec(fromHistory)
  const run = await readRunResults(values.results)
  const { baseline, status } =
    historySpec === undefined
      ? await loadBaseline(values.baseline, { required: !update && !values['allow-missing-baseline'] })
      : await loadHistoryBaseline(historyLocation(values.history), historySpec, run.run?.id)
  const diff = diffResults(baseline, run.results, alpha === undefined ? {} : { alpha })
  console.log(renderDiffText(diff, status.file, status, { accepting: update }))
  // Reports first, whatever the baseline's state: a stale summary must never stand for this run.
  if (values.markdown) await writeFileAtomic(values.markdown, renderMarkdown(diff, { run: run.provenance, baseline: status }))
  if (values.junit) await writeFileAtomic(values.junit, renderJUnit(run.results, { diff, baseline: status }))
  if (status.state === 'corrupt') throw new MlnodeBenchError('MLNB_BASELINE', status.error?.message ?? `Baseline ${values.baseline} is corrupt`, { details: { file: values.baseline } })
  if (update) {
    assertFirstBaselineRepeats(baseline, run.results)
    const { baseline: next, replaced, added, kept, keptInvalid } = updateBaseline(baseline, run.results, run.provenance, status.invalid)
    for (const e of keptInvalid) console.error(`Kept invalid, not gated until fixed: ${e.message}`)
    if (replaced.length + added.length === 0) {
      console.log(`Baseline ${values.baseline} left unchanged: no passed result to accept.`)
      return keptInvalid.length > 0 ? 1 : 0
    }
    await writeBaseline(values.baseline, next)
    console.log(`Baseline ${values.baseline} ${status.state === 'missing' ? 'created' : 'updated'}: ${replaced.length} replaced, ${added.length} added, ${kept.length} kept.${diff.hasRegression ? ` ${diff.counts.regressed} regression(s) were ACCEPTED.` : ''}`)
    return keptInvalid.length > 0 ? 1 : 0
  }
  if (status.state === 'missing' && status.required)
    throw new MlnodeBenchError('MLNB_BASELINE_MISSING', `${missingBaselineMessage(values.baseline)} Pass --allow-missing-baseline if that is intended.`, { details: { file: values.baseline } })
  return diff.hasRegression || baselineProblems(status).length > 0 ? 1 : 0
}
