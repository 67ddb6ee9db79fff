/**
 * False-positive rate of the regression gate on repeated simulator runs with NO change:
 * runs the bench N times, then judges every later run against every earlier one as baseline
 * (src/report/diff.ts falsePositiveRate) and prints the rates per comparison, per run pair and per
 * metric. Usage: npm run bench:false-positives -- [--runs 4] [--config vitest.config.ts] [filters…]
 */
import { copyFile, mkdtemp, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { execa } from 'execa'
import { diffResults } from '../../src/report/diff.js'
import { falsePositiveRate } from '../../src/report/false-positive-rate.js'
import { updateBaseline } from '../../src/report/baseline.js'
import type { RunResults } from '../../src/contracts/results.js'

const { values, positionals } = parseArgs({
  options: { runs: { type: 'string', default: '4' }, config: { type: 'string', default: 'vitest.config.ts' } },
  allowPositionals: true,
})
const runs = Number(values.runs)
const dir = await mkdtemp(join(tmpdir(), 'mlnb-fp-'))
const all: RunResults[] = []
for (let i = 0; i < runs; i++) {
  const started = performance.now()
  const r = await execa(process.execPath, ['node_modules/vitest/vitest.mjs', 'bench', '--run', '--config', values.config!, ...positionals], {
    reject: false,
    // No baseline gate inside the runs themselves: the comparison happens below.
    env: { MLNODE_BENCH_UPDATE_BASELINE: '', MLNODE_URL: '', MLNB_TEST_OUT: join(dir, String(i)) },
  })
  const file = values.config === 'vitest.config.ts' ? '.mlnode-bench/results.json' : join(dir, String(i), 'results.json')
  const results = JSON.parse(await readFile(file, 'utf8')) as RunResults
  all.push(results)
  await copyFile(file, join(dir, `results-${i}.json`))
  console.log(`run ${i + 1}/${runs}: exit ${r.exitCode}, ${results.results.length} results, ${((performance.now() - started) / 1000).toFixed(1)} s`)
}
const report = falsePositiveRate(all)
console.log(`\nfalse positives: ${report.regressions} regressions in ${report.comparisons} metric comparisons (${(report.ratePerComparison * 100).toFixed(2)} %), ${report.pairsWithRegression} of ${report.runPairs} run pairs (${(report.ratePerRunPair * 100).toFixed(1)} %)`)
for (const [metric, m] of Object.entries(report.byMetric)) console.log(`  ${metric.padEnd(22)} ${m.regressions}/${m.comparisons}`)
// Which ones, to see what the noise is made of.
for (let i = 0; i < all.length; i++) {
  const baseline = updateBaseline(undefined, all[i]!.results, all[i]!.provenance).baseline
  for (let j = i + 1; j < all.length; j++) {
    for (const e of diffResults(baseline, all[j]!.results).entries) {
      for (const m of e.metrics ?? []) {
        if (m.verdict === 'regressed') console.log(`  run ${i + 1} → ${j + 1}: ${e.model} › ${e.variant} › ${e.workload}: ${m.label} ${m.base} → ${m.next} (${((m.change ?? 0) * 100).toFixed(1)} %, p=${m.pValue?.toExponential(1)})`)
      }
    }
  }
}
console.log(`results kept in ${dir}`)
