/**
 * JUnit XML renderer (junit-report-builder 5). One <testsuite> per model and target, one <testcase>
 * per variant × workload, measured metrics as testcase <properties> (units in the names), and one
 * <failure> per failed testcase (regressions, guard violation, failed deploy or workload) whose
 * message reads on its own. Validates against test/report/junit.xsd.
 */
import { sweepProperties } from './sweep-junit.js'
import { FIGURES } from '../contracts/figures.js'
import junitModule, { type Builder } from 'junit-report-builder'
import { describeTarget, formatChange, formatNumber } from './format.js'
import { evidenceText, keyId, regressionsOf, type BaselineDiff, type MetricComparison } from './diff.js'
import type { BenchFailure, BenchResult, RunInfo } from '../contracts/results.js'
import { baselineProblems, type BaselineStatus } from './baseline-status.js'
import { incompleteText, isKept, keptText } from './run-text.js'
import { telemetryProperties } from './telemetry-text.js'
import { gpuProperties } from './gpu-text.js'
import { startupProperties } from './startup-text.js'

export interface JUnitRenderOptions {
  /** Name of the <testsuites> root. @default 'mlnode-bench' */
  name?: string
  /** Baseline diff of the same results: adds a failure per regressed testcase. */
  diff?: BaselineDiff
  /** Whether the baseline could gate: adds a "baseline" suite failing on a corrupt or required-but-missing file and on each invalid entry. */
  baseline?: BaselineStatus
  /**
   * The run the report belongs to: results of earlier runs (kept by a partial run) are skipped
   * testcases saying which run they come from; an unfinished run adds a failing testcase.
   */
  run?: RunInfo
}

// CommonJS package with `exports.default`: Node's ESM default import is the whole module.
const junit: Builder = (junitModule as unknown as { default?: Builder }).default ?? (junitModule as unknown as Builder)

/** Renders results (and optionally their baseline diff) as JUnit XML. Pure and deterministic. */
export function renderJUnit(results: readonly BenchResult[], options: JUnitRenderOptions = {}): string {
  const builder = junit.newBuilder().name(options.name ?? 'mlnode-bench')
  const sorted = [...results].sort((a, b) => keyId(a).localeCompare(keyId(b)))
  // Suites per model (what a reader scans for) and target: simulated numbers never share a suite
  // with hardware numbers, and the suite name says "simulated".
  const invalid = new Set(options.baseline?.invalid.map(keyId))
  const groups = new Map<string, BenchResult[]>()
  for (const r of sorted) {
    const name = r.target.kind === 'simulated' ? `${r.model} [${describeTarget(r.target)}]` : `${r.model} [${r.target.hardware}]`
    groups.set(name, [...(groups.get(name) ?? []), r])
  }
  for (const [name, group] of [...groups].sort(([a], [b]) => a.localeCompare(b))) {
    const suite = builder.testSuite().name(name)
    const first = group[0]!
    suite.property('model', first.model)
    suite.property('target', describeTarget(first.target))
    suite.property('simulated', String(first.target.kind === 'simulated'))
    if (options.diff?.baselineProvenance?.git) suite.property('baseline_commit', options.diff.baselineProvenance.git.commit)
    if (options.run) suite.property('run_id', options.run.id).property('run_state', options.run.state)
    for (const result of group) addTestCase(suite, result, options.diff, invalid, options.run)
  }
  const incomplete = options.run && incompleteText(options.run)
  if (options.run && incomplete) {
    // A CI job reading this file must not see green: the run that wrote it did not finish.
    const suite = builder.testSuite().name('mlnode-bench run').property('run_id', options.run.id).property('run_state', options.run.state)
    suite.testCase().className('mlnode-bench').name(`run ${options.run.id}`).failure(incomplete, 'incomplete')
  }
  if (options.baseline) addBaselineSuite(builder.testSuite(), options.baseline)
  return builder.build()
}

type Suite = ReturnType<Builder['testSuite']>

/**
 * The gate itself as testcases, so a CI test view shows a gate that was off: the baseline file
 * (failed when corrupt or required but missing, skipped on a first run) and each invalid entry.
 */
function addBaselineSuite(suite: Suite, status: BaselineStatus): void {
  suite.name('mlnode-bench baseline').property('baseline_file', status.file).property('baseline_state', status.state)
  const file = suite.testCase().className('mlnode-bench.baseline').name(`baseline file ${status.file}`)
  if (status.state === 'corrupt' || (status.state === 'missing' && status.required)) file.failure(baselineProblems(status)[0], 'baseline')
  else if (status.state === 'missing') file.skipped().standardOutput(`No baseline yet at ${status.file}: nothing was gated. Accept a run with MLNODE_BENCH_UPDATE_BASELINE=1 to create it.`)
  for (const e of status.invalid)
    suite.testCase().className('mlnode-bench.baseline').name(`baseline entry ${e.model} › ${e.variant} › ${e.workload}`).failure(`${e.message}. This entry was not gated.`, 'baseline')
}

function addTestCase(suite: Suite, r: BenchResult, diff: BaselineDiff | undefined, invalid: ReadonlySet<string>, run: RunInfo | undefined): void {

  const tc = suite.testCase().className(r.model).name(`${r.variant} › ${r.workload}`).file(r.file)
  if (r.wallS !== undefined) tc.time(r.wallS)
  if (r.run) tc.property('run_id', r.run.id).property('run_date', r.run.date)
  if (r.run?.git) tc.property('run_commit', r.run.git.commit)
  tc.property('simulated', String(r.target.kind === 'simulated'))
  tc.property('target', describeTarget(r.target))
  tc.property('args', r.args.join(' '))
  if (r.layout) {
    tc.property('tp', String(r.layout.tp)).property('pp', String(r.layout.pp)).property('instances', String(r.layout.instances))
  }
  if (r.dtype !== undefined) tc.property('dtype', r.dtype)
  if (r.deployS !== undefined) tc.property('deploy_s', String(Math.round(r.deployS * 1000) / 1000))
  if (r.instanceCap !== undefined) tc.property('instance_cap', String(r.instanceCap))
  for (const [name, value] of metricProperties(r)) tc.property(name, value)
  for (const [name, value] of validationProperties(r)) tc.property(name, value)
  for (const [name, value] of telemetryProperties(r)) tc.property(name, value)
  for (const [name, value] of gpuProperties(r)) tc.property(name, value)
  for (const [name, value] of startupProperties(r)) tc.property(name, value)
  if (invalid.has(keyId(r))) tc.property('baseline_entry', 'invalid, not judged')
  if (isKept(r, run)) {
    // Measured by an earlier run: shown, never judged or failed again by this one.
    tc.skipped().standardOutput(`Kept from an earlier run: ${keptText(r)}`)
    return
  }
  if (r.status === 'failed') {
    const failure = r.failure ?? { kind: 'internal', message: 'failed without a reason (no failure recorded)' }
    tc.failure(failureMessage(r, failure), failure.kind)
    const details = [failure.code ? `code: ${failure.code}` : '', ...(failure.log ?? [])].filter(Boolean).join('\n')
    if (details) tc.stacktrace(details)
    return
  }
  if (r.status === 'skipped') {
    tc.skipped()
    return
  }
  const regressions = diff ? regressionsOf(diff, r) : []
  if (regressions.length > 0) {
    tc.failure(regressionMessage(r, regressions, diff!), 'regression')
    tc.stacktrace(regressions.map((m) => `${m.label}: ${m.note}`).join('\n'))
  }
}

/** Metric properties: the registry's keys (snake case ending in their unit), `simulated_` first on a simulator. */
function metricProperties(r: BenchResult): Array<[string, string]> {
  const m = r.metrics
  if (r.poc) return pocProperties(r.poc, r.target.kind === 'simulated' ? 'simulated_' : '')
  if (r.sweep) return sweepProperties(r.sweep, r.target.kind === 'simulated' ? 'simulated_' : '')
  if (!m) return []
  const sim = r.target.kind === 'simulated' ? 'simulated_' : ''
  const out: Array<[string, string]> = []
  for (const f of FIGURES) {
    const value = f.value(m)
    if (value === undefined || f.key === 'requests_failed') continue
    out.push([`${sim}${f.key}`, formatNumber(value)])
  }
  out.push(['requests_total', String(m.requests.total)], ['requests_failed', String(m.requests.failed)], ['duration_s', formatNumber(m.durationS)])
  return out
}

/** The validation bench's figures (src/validation), `simulated_` first on a simulator. */
function validationProperties(r: BenchResult): Array<[string, string]> {
  const v = r.validation
  if (!v) return []
  const sim = r.target.kind === 'simulated' ? 'simulated_' : ''
  const out: Array<[string, string]> = [
    [`${sim}validation_similarity_min`, v.minSimilarity.toFixed(6)],
    [`${sim}validation_similarity_median`, v.medianSimilarity.toFixed(6)],
    ['validation_below_threshold_share', v.belowThresholdShare.toFixed(4)],
    ['validation_threshold', String(v.threshold)],
    ['validation_mode', v.mode],
    ['validation_reference', v.reference],
    ['validation_probes', `${v.compared}/${v.probes}`],
  ]
  if (v.modeReason) out.push(['validation_mode_reason', v.modeReason])
  if (v.firstDifference) out.push(['validation_first_difference', `${v.firstDifference.probe} position ${v.firstDifference.position}: ${v.firstDifference.referenceToken} vs ${v.firstDifference.variantToken}`])
  return out
}

/** A PoC workload's figures (docs/poc.md), `simulated_` first on a simulator like the load's. */
function pocProperties(p: NonNullable<BenchResult['poc']>, sim: string): Array<[string, string]> {
  return [
    [`${sim}poc_nonces_per_min`, formatNumber(p.noncesPerMin)],
    [`${sim}poc_nonces_per_min_per_gpu`, formatNumber(p.noncesPerMinPerGpu)],
    [`${sim}poc_first_artifact_s`, formatNumber(p.firstArtifactS)],
    ['poc_nonces', String(p.nonces)],
    ['poc_backends', String(p.backends.length)],
    ['poc_seq_len', String(p.seqLen)],
    ['duration_s', formatNumber(p.durationS)],
  ]
}

const KIND_TITLE: Record<BenchFailure['kind'], string> = {
  guard: 'Args guard violation',
  deploy: 'Deploy failed',
  workload: 'Workload failed',
  regression: 'Regression',
  internal: 'Internal error',
  validation: 'Validation failed',
}

/** "Deploy failed: Qwen/QwQ-32B tp4-pp2 (workload chat): <message>". */
export function failureMessage(r: BenchResult, failure: BenchFailure): string {
  return `${KIND_TITLE[failure.kind]}: ${r.model} ${r.variant} (workload ${r.workload}): ${failure.message}`
}

/** "Regression vs baseline abc1234 on simulated H100x8: TTFT p50 120 → 148 ms (+23.3 %, p < 0.0001); …". */
export function regressionMessage(r: BenchResult, regressions: readonly MetricComparison[], diff: BaselineDiff): string {
  const commit = diff.baselineProvenance?.git?.commit.slice(0, 7)
  const parts = regressions.map(
    (m) => `${m.label} ${formatNumber(m.base!)} → ${formatNumber(m.next!)} ${m.unit} (${formatChange(m.change)}, ${evidenceText(m)})`,
  )
  return `Regression vs baseline${commit ? ` ${commit}` : ''} on ${describeTarget(r.target)}: ${r.model} ${r.variant} (workload ${r.workload}): ${parts.join('; ')}`
}
