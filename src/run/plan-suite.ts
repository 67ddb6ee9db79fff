/**
 * A suite's benches, decided at collection, before anything deploys: every variant guarded and
 * laid out, both workload fields and the calibration validated, watch mode refused against a
 * real MLNode. One bench
 * per variant × workload.
 */
import { parseVllmArgs, planDeploy } from '../args/index.js'
import type { WorkloadSpec } from '../contracts/workload.js'
import { getHardwareProfile } from '../model/index.js'
import { AS_DEPLOYED } from './openai-target.js'
import { prepareVariants } from './prepare-variants.js'
import type { DeploymentSuiteOptions, ResolvedDeploymentSuiteOptions } from './suite-options.js'
import { suiteCalibration } from './suite-calibration.js'
import { deviceHardwareFile } from './suite-hardware.js'
import type { DeployRequest } from './target.js'
import type { ProvidedRunMode, ProvidedTarget } from './target-config.js'
import { watchDeployError } from './watch.js'
import { loadTargetWorkloads } from './workloads.js'

export interface PlannedBench {
  /** `variant › workload`, the bench's name. */
  name: string
  request: DeployRequest
  spec: WorkloadSpec
}

export interface SuitePlanInput {
  options: DeploymentSuiteOptions
  suite: ResolvedDeploymentSuiteOptions
  config: ProvidedTarget
  runMode?: ProvidedRunMode | undefined
  /** The suite file: absolute (workload paths resolve from it) and as shown to the user. */
  file: string
  source: string
}

/** @throws MlnodeBenchError naming the file, field and value of the first broken part. */
export function planSuite({ options, suite, config, runMode, file, source }: SuitePlanInput): PlannedBench[] {
  if (config.kind === 'mlnode' && runMode?.watch && !runMode.allowWatch && !suite.allowWatch) throw watchDeployError(source, config.mgmtUrl)
  const simulated = config.kind === 'simulated'
  const gpuCount = simulated ? getHardwareProfile(suite.hardware).gpuCount : undefined
  // A plain OpenAI server: the variants with an endpoint, or the one running as deployed.
  const variants =
    config.kind !== 'openai'
      ? prepareVariants(suite, source, gpuCount)
      : suite.openaiEndpoints
        ? prepareVariants(suite, source, gpuCount).filter((v) => suite.openaiEndpoints![v.name] !== undefined)
        : [{ name: AS_DEPLOYED, ...planDeploy(suite.model, parseVllmArgs([])) }]
  // Both workload fields are checked whichever the target: a broken production profile fails here too.
  const workloads = loadTargetWorkloads({ workloads: suite.workloads, simulatorWorkloads: options.simulatorWorkloads }, file, simulated)
  const hardwareFile = config.kind === 'mlnode' ? deviceHardwareFile(suite.hardware) : undefined
  const calibration = suiteCalibration({ option: options.calibration, file, source, ...(simulated ? { simulatedHardware: suite.hardware } : {}) })
  return variants.flatMap((variant) => {
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
    return workloads.map((spec) => ({ name: `${variant.name} › ${spec.name}`, request, spec }))
  })
}
