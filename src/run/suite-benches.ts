/**
 * A suite's benches, decided at collection, before anything deploys: every variant guarded and
 * laid out, both workload fields and the calibration validated, watch mode refused against a
 * kind that deploys on real GPUs. One bench per variant × workload.
 */
import { sweepSlo } from '../sweep/spec.js'
import type { WorkloadSpec } from '../contracts/workload.js'
import { getHardwareProfile, getModelSpec } from '../model/index.js'
import { parseMaxModelLen } from '../model/engine.js'
import { prepareVariants, type PreparedVariant } from './prepare-variants.js'
import type { DeploymentSuiteOptions, ResolvedDeploymentSuiteOptions } from './suite-options.js'
import { suiteCalibration } from './suite-calibration.js'
import { deviceHardwareFile } from './suite-hardware.js'
import type { DeployRequest } from './target.js'
import type { ProvidedRunMode, ProvidedTarget } from './target-config.js'
import { targetKindOf } from './targets/registry.js'
import { assertSimulatorKnowsModel } from './sim-model.js'
import { validateSuiteOptions } from './validate-suite.js'
import { checkPromptFits } from './workload-bounds.js'
import { loadTargetWorkloads } from './workloads.js'
import { planValidation, type ValidationPlan } from '../validation/index.js'

export interface SuiteBench {
  /** `variant › workload`, the bench's name. */
  name: string
  request: DeployRequest
  spec: WorkloadSpec
  /** A `variant › validation` bench (suite option `validation`). */
  validation?: ValidationPlan
}

export interface SuiteBenchesInput {
  options: DeploymentSuiteOptions
  suite: ResolvedDeploymentSuiteOptions
  config: ProvidedTarget
  runMode?: ProvidedRunMode | undefined
  /** The suite file: absolute (workload paths resolve from it) and as shown to the user. */
  file: string
  source: string
}

/** @throws MlnodeBenchError naming the file, field and value of the first broken part. */
export function suiteBenches({ options, suite, config, runMode, file, source }: SuiteBenchesInput): SuiteBench[] {
  validateSuiteOptions(options, source)
  const kind = targetKindOf(config)
  if (kind.watchRefusal && runMode?.watch && !runMode.allowWatch && !suite.allowWatch) throw kind.watchRefusal(config, source)
  const simulated = kind.simulated
  if (simulated) assertSimulatorKnowsModel(suite.model, source)
  const gpuCount = simulated ? getHardwareProfile(suite.hardware).gpuCount : undefined
  const prepared = () => prepareVariants(suite, source, gpuCount)
  const variants = kind.variants ? kind.variants(suite, prepared) : prepared()
  // Both workload fields are checked whichever the target: a broken production profile fails here too.
  const workloads = loadTargetWorkloads({ workloads: suite.workloads, simulatorWorkloads: options.simulatorWorkloads }, file, simulated)
  // A sweep's steps are judged by an SLO: a missing one fails here, before any deploy (src/sweep/spec.ts).
  for (const spec of workloads) if (spec.sweep !== undefined) sweepSlo(spec, suite.slo, source)
  for (const variant of variants) {
    const fit = maxModelLenOf(variant, suite.model)
    for (const spec of workloads) if (fit) checkPromptFits(spec, `${source} variants["${variant.name}"]`, fit.tokens, fit.how)
  }
  const hardwareFile = kind.matchesGpus ? deviceHardwareFile(suite.hardware) : undefined
  const calibration = suiteCalibration({ option: options.calibration, file, source, ...(simulated ? { simulatedHardware: suite.hardware } : {}) })
  const validation = options.validation === undefined ? undefined : planValidation(options.validation, { model: suite.model, variants: Object.keys(suite.variants), file, source, workloads: workloads.map((w) => w.name) })
  // The reference variant runs first: its recorded answers judge the variants after it.
  const ordered = validation ? [...variants.filter((v) => v.name === validation.plan.reference), ...variants.filter((v) => v.name !== validation.plan.reference)] : variants
  return ordered.flatMap((variant) => {
    const request: DeployRequest = {
      model: suite.model,
      dtype: suite.dtype,
      variant,
      deployTimeoutS: suite.deployTimeoutS,
      checkFeasibility: suite.checkFeasibility,
      ...(hardwareFile ? { hardwareFile } : {}),
      ...(suite.logCommand ? { logCommand: suite.logCommand } : {}),
      ...(calibration ? { calibration } : {}),
    }
    const benches: SuiteBench[] = workloads.map((spec) => ({ name: `${variant.name} › ${spec.name}`, request, spec }))
    if (validation) benches.push({ name: `${variant.name} › validation`, request, spec: validation.spec, validation: validation.plan })
    return benches
  })
}

/** A variant's context length when known at collection: its --max-model-len, else the catalogued model's. */
function maxModelLenOf(variant: PreparedVariant, model: string): { tokens: number; how: string } | undefined {
  const arg = variant.args.values.get('max-model-len')
  if (arg !== undefined) return { tokens: parseMaxModelLen(arg), how: `--max-model-len ${String(arg)}` }
  try {
    return { tokens: getModelSpec(model).maxPositionEmbeddings, how: `max_position_embeddings of ${model}'s config.json` }
  } catch {
    return undefined
  }
}
