// mlnode-bench/advanced: the parts below the suites, for tools built on mlnode-bench (a CLI, a
// custom runner, a dashboard). Stable names, explicit exports only; suite authors need only
// 'mlnode-bench' and 'mlnode-bench/reporters'.
export { redact } from './errors.js'

// The run core: targets, a suite's benches, one bench's measurement (framework-free).
export { createTarget, selectTarget, suiteBenches, runBench, measureWorkload, MlnodeTarget, OpenAiTarget, SimulatorTarget, startSimFleet } from './run/index.js'
export type { Target, TargetDescription, DeployRequest, DeployedVariant, LoadEndpoint, TargetChoice, SuiteBench, BenchInput, BenchOutcome } from './run/index.js'
/** @deprecated `suiteBenches`: "plan" is the `plan` command's search (src/planner). */
export { suiteBenches as planSuite } from './run/index.js'
/** @deprecated `SuiteBench`. */
export type { SuiteBench as PlannedBench } from './run/index.js'
// What a run tells (deploys, requests, verdicts) as typed events, and the console that prints them.
export { RunEvents, attachConsole } from './run/index.js'
export type { RunEventMap, RunEventName, RunListener, ConsoleSubscriberOptions } from './run/index.js'

// vLLM args: parse, guard, layout.
export { parseVllmArgs, toMlnodeArgs, parallelismOf, classifyArg, guardVariant, assertVariantAllowed, computeLayout, layoutProblems } from './args/index.js'
export type { ParsedArgs, GuardViolation, GuardVariantInput } from './args/index.js'

// The network's model registry: snapshot, live fetch from a chain, diff.
export { SNAPSHOT_REGISTRY, fetchNetworkRegistry, parseModelsAll, diffRegistries, findNetworkModel, resolveNetworkModel } from './network/index.js'
export type { NetworkRegistry, RegistryDiff } from './network/index.js'

// MLNode management client.
export { MlnodeClient, waitUntilReady } from './mlnode/index.js'
export type { MlnodeClientOptions, UpRequest, WaitUntilReadyOptions, ReadyResult } from './mlnode/index.js'

// Load and metrics.
export { runWorkload, streamRequest, validateWorkload, compressaDefaultConfigPath, loadCompressaConfig, parseCompressaConfig } from './load/index.js'
export type { WorkloadSpec, PromptSpec, ArrivalSpec, LoadTarget, WorkloadRun } from './load/index.js'
export { summarize, encodeHistogram, decodeHistogram, mergeHistograms, summaryFromHistogram } from './metrics/index.js'
export type * from './contracts/records.js'

// Simulator and performance model.
export { startSimulator, simulateRequests } from './sim/index.js'
export type { SimulatorOptions, SimulatorHandle } from './sim/index.js'
export { getHardwareProfile, listHardwareProfiles, getModelSpec, loadModelConfig, resolveEngineConfig, modelInstance } from './model/index.js'
export type { HardwareProfile, ModelSpec, EngineConfig, InstanceModel } from './model/index.js'
/** @deprecated `modelInstance`. */
export { modelInstance as planInstance } from './model/index.js'
/** @deprecated `InstanceModel`. */
export type { InstanceModel as InstancePlan } from './model/index.js'

// Results and reports.
export type * from './contracts/results.js'

// The network's inference validation: the CompareLogits port, probes, record / check, thresholds.
export { compareLogits, customSimilarity, positionDistance, similarityPassesThreshold, LEGACY_SIMILARITY_THRESHOLD, checkProbes, recordProbes, buildProbes, probeBody, readReference, writeReference, resolveThreshold } from './validation/index.js'
export type { CompareOutcome, PositionLogprobs, TopLogprob, CheckOutcome, ValidationMode, RecordedReference } from './validation/index.js'
// PoC v2 (docs/poc.md): the client of MLNode's pow routes, one measured run, the model's price.
export { PocClient } from './poc/client.js'
export { runPoc, stopPoc } from './poc/run-poc.js'
export { predictPoc } from './poc/predict-poc.js'
export { chainPocParams } from './poc/chain-params.js'
