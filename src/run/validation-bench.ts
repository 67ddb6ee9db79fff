/**
 * The `variant › validation` bench (registered by src/run/suite-benches.ts, dispatched by
 * src/run/run-bench.ts): on the deployed variant, the reference variant records its probe
 * answers (kept in memory for the suite's later variants, optionally written), and every
 * variant, the reference included, is checked against them (check.ts). A variant at or below the
 * threshold fails with MLNB_VALIDATION, whatever its speed. Never throws, like runBench.
 */
import { relative } from 'node:path'
import { failureKindOf, isMlnodeBenchError, MlnodeBenchError, redact } from '../errors.js'
import type { BenchResult, TargetInfo, ValidationFigures } from '../contracts/results.js'
import type { ResolvedDeploymentSuiteOptions } from './suite-options.js'
import type { DeployRequest, Target } from './target.js'
import { checkProbes, recordProbes, type CheckOutcome, type ProbeRun } from '../validation/check.js'
import type { ValidationPlan } from '../validation/options.js'
import { buildProbes } from '../validation/probes.js'
import { checkPocVectors, pocCheckPlan, recordPocVectors, type PocCheckPlan } from '../validation/poc-vectors.js'
import { assertReferenceMatches, readReference, REFERENCE_KIND, writeReference, type RecordedReference } from '../validation/reference.js'

/** The reference answers of each suite in this worker: `file|model` → answers, or why there are none. */
const recorded = new Map<string, RecordedReference | { error: string }>()
const files = new Map<string, Promise<RecordedReference>>()

/** Forgets the recorded references (tests). */
export function clearRecordedReferences(): void {
  recorded.clear()
  files.clear()
}

/** What the validation bench reads of a bench's input (run-bench.ts's BenchInput has it all). */
export interface ValidationBenchInput {
  suite: ResolvedDeploymentSuiteOptions
  /** The suite file, relative to the project. */
  source: string
  /** The target's kind as configured (its results label), until it describes itself. */
  targetKind: TargetInfo['kind']
  request: DeployRequest
  target: Target
}

export async function runValidationBench(input: ValidationBenchInput, plan: ValidationPlan): Promise<{ result: BenchResult; error?: unknown }> {
  const { suite, request, target } = input
  const variant = request.variant
  const key = `${input.source}|${suite.model}`
  const started = performance.now()
  let info: TargetInfo = { kind: input.targetKind, hardware: input.targetKind === 'simulated' ? suite.hardware : 'unknown' }
  const resultOf = (partial: Partial<BenchResult>): BenchResult => ({
    model: suite.model,
    variant: variant.name,
    workload: 'validation',
    file: input.source,
    status: 'passed',
    target: info,
    args: variant.mlnodeArgs,
    dtype: suite.dtype,
    wallS: (performance.now() - started) / 1000,
    ...partial,
  })
  const isReference = variant.name === plan.reference && plan.referenceFile === undefined
  try {
    const deployed = await target.ready(request).catch(async (error: unknown) => {
      info = (await target.describe(request).catch(() => undefined))?.info ?? info
      throw error
    })
    info = deployed.target
    const endpoint = target.endpoint(request)
    const run: ProbeRun = { endpoint: { inferenceUrl: endpoint.inferenceUrl, ...(endpoint.headers ? { headers: endpoint.headers } : {}) }, model: suite.model, ...(plan.logprobsMode ? { mode: plan.logprobsMode } : {}) }
    const probes = buildProbes(plan)
    const pocPlan = pocCheckPlan(suite.model, plan.pocNonces)
    let reference: RecordedReference
    let referenceName: string
    if (plan.referenceFile) {
      referenceName = relative(process.cwd(), plan.referenceFile) || plan.referenceFile
      const cached = files.get(plan.referenceFile) ?? readReference(plan.referenceFile, referenceName)
      files.set(plan.referenceFile, cached)
      reference = await cached
      assertReferenceMatches(reference, referenceName, { model: suite.model, probes })
    } else if (isReference) {
      referenceName = variant.name
      const answers = await recordProbes(run, probes).catch((error: unknown) => {
        throw new MlnodeBenchError('MLNB_VALIDATION_REFERENCE', `${suite.model} ${variant.name}: the reference variant could not record its probe answers: ${(error as Error).message}`, { cause: error })
      })
      // Its PoC vectors too, where the target has MLNode's PoC routes (a plain vLLM has none).
      const poc = plan.pocNonces > 0 && endpoint.mgmtUrl ? await recordPocVectors(endpoint.mgmtUrl, pocPlan).then((vectors) => ({ seqLen: pocPlan.seqLen, vectors }), () => undefined) : undefined
      reference = {
        header: { kind: REFERENCE_KIND, version: 1, model: suite.model, variant: variant.name, args: [...variant.mlnodeArgs], target: { kind: info.kind, hardware: info.hardware }, recordedAt: new Date().toISOString(), ...(plan.logprobsMode ? { logprobsMode: plan.logprobsMode } : {}), ...(poc ? { poc } : {}) },
        probes: answers,
      }
      recorded.set(key, reference)
      if (plan.writeReference) await writeReference(plan.writeReference, reference)
    } else {
      referenceName = plan.reference
      const stored = recorded.get(key)
      if (stored === undefined || 'error' in stored) {
        const why = stored === undefined ? 'its validation bench did not run before this one (is it measured on this target?)' : stored.error
        throw new MlnodeBenchError('MLNB_VALIDATION_REFERENCE', `${suite.model} ${variant.name}: no reference answers from variant "${plan.reference}": ${why}. Record one with \`mlnode-bench validation record\` and set validation.referenceFile, or fix the reference variant.`)
      }
      reference = stored
    }
    const outcome = await checkProbes(run, reference.probes, plan.threshold.value)
    const pocCheck = await checkPoc(plan, pocPlan, endpoint.mgmtUrl, reference)
    const figures = { ...figuresOf(outcome, referenceName, plan), ...pocCheck }
    const failure = !outcome.passed ? validationError(suite.model, variant.name, figures) : pocCheck.poc && !pocCheck.poc.passed ? pocVectorError(suite.model, variant.name, referenceName, pocCheck.poc) : undefined
    const result = resultOf({
      ...(deployed.layout ? { layout: deployed.layout } : {}),
      validation: figures,
      ...(failure ? { status: 'failed', failure: { kind: 'validation', message: failure.message, code: failure.code } } : {}),
    })
    return failure ? { result, error: failure } : { result }
  } catch (error) {
    const message = redact(error instanceof Error ? error.message : String(error))
    if (isReference && !recorded.has(key)) recorded.set(key, { error: message })
    const result = resultOf({
      status: 'failed',
      failure: { kind: failureKindOf(isMlnodeBenchError(error) ? error.code : undefined, 'validation'), message, ...(isMlnodeBenchError(error) ? { code: error.code } : {}) },
    })
    return { result, error }
  }
}

/** The PoC half: this variant's vectors against the reference's, or why they were not checked. */
async function checkPoc(plan: ValidationPlan, pocPlan: PocCheckPlan, mgmtUrl: string | undefined, reference: RecordedReference): Promise<Pick<ValidationFigures, 'poc' | 'pocSkipped'>> {
  if (plan.pocNonces === 0) return { pocSkipped: 'validation.pocNonces is 0' }
  if (!mgmtUrl) return { pocSkipped: "the target has no MLNode PoC routes (a plain OpenAI server)" }
  // Judged only by the chain's own stat test: a made-up distance would pass or fail vectors on a guess.
  if (!pocPlan.stat) return { pocSkipped: `no PoC stat test in the chain entry of ${pocPlan.model} (a live chain has it: MLNODE_BENCH_CHAIN_URL)` }
  const vectors = reference.header.poc?.vectors
  if (!vectors || vectors.length !== pocPlan.nonces) return { pocSkipped: 'the reference has no PoC vectors for these nonces (its target served no pow/generate, or a reference file recorded without them)' }
  try {
    return { poc: await checkPocVectors(mgmtUrl, { ...pocPlan, seqLen: reference.header.poc!.seqLen }, vectors) }
  } catch (error) {
    return { pocSkipped: `pow/generate with validation failed: ${(error as Error).message}` }
  }
}

/** "… PoC vectors fail …": the mismatches and the stat test in the message. */
function pocVectorError(model: string, variant: string, reference: string, p: NonNullable<ValidationFigures['poc']>): MlnodeBenchError {
  return new MlnodeBenchError('MLNB_VALIDATION', `${model} ${variant} fails the network's PoC validation against ${reference}: ${p.mismatches} of ${p.nonces} nonces' vectors beyond the distance threshold, p-value ${p.pValue.toPrecision(3)}: fraud by ${p.statTest}`, { details: { ...p } })
}

export function figuresOf(outcome: CheckOutcome, reference: string, plan: Pick<ValidationPlan, 'threshold'>): ValidationFigures {
  const { verdicts: _verdicts, ...figures } = outcome
  return { ...figures, reference, threshold: plan.threshold.value, thresholdSource: plan.threshold.source }
}

/** "… fails the network's validation: similarity min 0.81 … ≤ threshold 0.98 …", the figures in the message. */
export function validationError(model: string, variant: string, f: ValidationFigures): MlnodeBenchError {
  const diff = f.firstDifference ? `; first differing token: ${f.firstDifference.probe} position ${f.firstDifference.position}, reference ${JSON.stringify(f.firstDifference.referenceToken)} vs ${JSON.stringify(f.firstDifference.variantToken)}` : ''
  const mode = f.mode === 'exact-tokens' ? ` (exact-token fallback: ${f.modeReason})` : ''
  const what = f.compared === 0 ? 'no probe could be scored' : `similarity min ${f.minSimilarity.toFixed(4)}, median ${f.medianSimilarity.toFixed(4)}, ${Math.round(f.belowThresholdShare * 100)} % of ${f.compared} probes at or below threshold ${f.threshold}`
  return new MlnodeBenchError('MLNB_VALIDATION', `${model} ${variant} fails the network's validation against ${f.reference}: ${what} (${f.thresholdSource})${mode}${diff}`, { details: { ...f } })
}
