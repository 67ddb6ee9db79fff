/**
 * The fields a suite and an inline workload may have: ONE line per field. A key not listed here is
 * refused at collection with the closest known one (validate-suite.ts), so adding an option is one
 * line below (the `satisfies` clauses make tsc ask for it when the interface gains a field).
 * Value checks that need more than a type (workload ranges, args, paths) live where they always did;
 * what is typed here is what nothing else checks before it is used.
 */
import * as z from 'zod'
import type { PromptSpec, WorkloadSpec } from '../contracts/workload.js'
import type { DeploymentSuiteOptions } from './suite-options.js'

const positive = z.number().positive()
const strings = z.array(z.string())
/** A path to a compressa-perf YAML file, or inline workload objects (each checked by WORKLOAD_FIELDS). */
const workloadsField = z.custom<string | unknown[]>((v) => (typeof v === 'string' && v.trim() !== '') || Array.isArray(v), {
  message: 'must be a path to a compressa-perf YAML file or an array of workload objects',
})
const sloSchema = z.strictObject({ ttftMs: positive.optional(), tpotMs: positive.optional(), e2elMs: positive.optional() })

export const SUITE_FIELDS = {
  // Either `model` with `mandatoryArgs`, or `networkModel` (whose chain entry fixes both): resolveSuiteOptions says which is missing.
  networkModel: z.string().min(1).optional(),
  model: z.string().min(1).optional(),
  dtype: z.string().min(1).optional(),
  mandatoryArgs: strings.optional(),
  variants: z.record(z.string(), strings),
  workloads: workloadsField,
  simulatorWorkloads: workloadsField.optional(),
  hardware: z.string().min(1).optional(),
  allowArgs: strings.optional(),
  deployTimeoutS: positive.optional(),
  workloadTimeoutS: positive.optional(),
  slo: sloSchema.optional(),
  maxFailureRate: z.number().min(0).max(1).optional(),
  logCommand: z.array(z.string().min(1)).min(1).optional(),
  powerCommand: z.array(z.string().min(1)).min(1).optional(),
  allowWatch: z.boolean().optional(),
  openaiEndpoints: z.record(z.string(), z.string().min(1)).optional(),
  checkFeasibility: z.boolean().optional(),
  calibration: z.string().min(1).optional(),
  telemetryIntervalS: positive.optional(),
  // Its fields are checked with their own names by resolveValidation (src/validation/options.ts).
  validation: z.unknown().optional(),
  repeats: z.int().min(1).optional(),
  redeployBetweenRepeats: z.boolean().optional(),
} satisfies { [K in keyof Required<DeploymentSuiteOptions>]: z.ZodType }

/** Any value: its range is checked by validateWorkload (src/load/validate.ts); only the key is checked here. */
const checkedLater = z.unknown().optional()

/** Every key of any member of a union (the prompt kinds). */
type KeysOfUnion<T> = T extends unknown ? keyof T : never

/** The keys of every prompt kind (token, file, char, ShareGPT, conversations, Mooncake trace): one line each. */
const PROMPT_FIELDS = {
  tokens: checkedLater,
  count: checkedLater,
  sharedPrefixTokens: checkedLater,
  file: checkedLater,
  pick: checkedLater,
  maxChars: checkedLater,
  chars: checkedLater,
  sharegpt: checkedLater,
  answerLengthAsMaxTokens: checkedLater,
  minTokens: checkedLater,
  maxPromptTokens: checkedLater,
  maxTotalTokens: checkedLater,
  conversations: checkedLater,
  mooncakeTrace: checkedLater,
  timeScale: checkedLater,
  blockTokens: checkedLater,
} satisfies { [K in KeysOfUnion<PromptSpec>]: z.ZodType }

export const WORKLOAD_FIELDS = {
  name: checkedLater,
  endpoint: checkedLater,
  requests: checkedLater,
  warmupRequests: checkedLater,
  concurrency: checkedLater,
  arrival: z.strictObject({ ratePerS: checkedLater, burstiness: checkedLater, maxConcurrency: checkedLater }).optional(),
  durationS: checkedLater,
  prompt: z.strictObject(PROMPT_FIELDS).optional(),
  maxTokens: checkedLater,
  temperature: checkedLater,
  ignoreEos: checkedLater,
  seed: checkedLater,
  slo: sloSchema.optional(),
  requestTimeoutS: checkedLater,
  idleTimeoutS: checkedLater,
  extraBody: checkedLater,
  description: checkedLater,
  source: checkedLater,
  compressa: checkedLater,
  // A PoC workload's fields are checked with their own names by src/poc/workload.ts.
  poc: checkedLater,
  // A sweep's fields are checked with their own names by src/sweep/spec.ts.
  sweep: checkedLater,
} satisfies { [K in keyof Required<WorkloadSpec>]: z.ZodType }

export const suiteSchema = z.strictObject(SUITE_FIELDS)
export const workloadSchema = z.strictObject(WORKLOAD_FIELDS)
