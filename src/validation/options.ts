/**
 * The suite option `validation` (docs/validation-check.md): which variant's answers are the
 * reference, the probe set, and the threshold. Checked at collection, naming file, field, value.
 */
import { resolve, dirname } from 'node:path'
import { MlnodeBenchError } from '../errors.js'
import { resolveThreshold, type KnownThreshold } from './thresholds.js'

/** Sampling settings of a share of the probes, as users send them. */
export interface ValidationSampling {
  temperature: number
  topP?: number
  /** Omitted or -1: off. */
  topK?: number
}

export type LogprobsModeOption = 'processed_logprobs' | 'raw_logprobs'

export interface ValidationOptions {
  /** The variant whose answers every variant is held to (run first). */
  reference: string
  /** Probe prompts. @default 32 */
  prompts?: number
  /** max_tokens of each probe. @default 128 */
  maxTokens?: number
  /** Sampling settings, cycled over the probes. @default greedy, t=0.7/top_p=0.9, t=0.7/top_p=0.9/top_k=20 */
  samplings?: readonly ValidationSampling[]
  /** Pass bar (similarity must exceed it). @default the model's network threshold (thresholds.ts), else 0.99 */
  threshold?: number
  /** `logprobs_mode` sent with every probe. @default none: the server's own (MLNode's vLLM: processed_logprobs) */
  logprobsMode?: LogprobsModeOption
  /** A reference file (`mlnode-bench validation record`), relative to the suite: every variant is checked against it. */
  referenceFile?: string
  /** Where to write the reference variant's recorded answers (relative to the suite). @default not written */
  writeReference?: string
  /**
   * Nonces whose PoC vectors each variant generates and MLNode judges against the reference's with
   * the chain's stat test (docs/validation-check.md "PoC vectors"); 0 turns the PoC check off. @default 16
   */
  pocNonces?: number
}

/** Resolved options: defaults filled in, paths absolute, threshold with its source. */
export interface ValidationPlan {
  reference: string
  prompts: number
  maxTokens: number
  samplings: readonly ValidationSampling[]
  threshold: KnownThreshold
  logprobsMode?: LogprobsModeOption
  referenceFile?: string
  writeReference?: string
  pocNonces: number
}

export const DEFAULT_SAMPLINGS: readonly ValidationSampling[] = [{ temperature: 0 }, { temperature: 0.7, topP: 0.9 }, { temperature: 0.7, topP: 0.9, topK: 20 }]

/** @throws MlnodeBenchError MLNB_CONFIG naming the suite file, the field and the value. */
export function resolveValidation(options: ValidationOptions, ctx: { model: string; variants: readonly string[]; file: string; source: string }): ValidationPlan {
  const bad = (field: string, value: unknown, want: string) =>
    new MlnodeBenchError('MLNB_CONFIG', `${ctx.source}: field "validation.${field}" of ${ctx.model} is ${JSON.stringify(value)}: ${want}`, { details: { file: ctx.source, field: `validation.${field}`, value } })
  if (typeof options !== 'object' || options === null) throw bad('', options, 'expected an object like { reference: "tp8-pp1" }')
  if (!ctx.variants.includes(options.reference)) throw bad('reference', options.reference, `expected one of the variants (${ctx.variants.join(', ')})`)
  const int = (field: 'prompts' | 'maxTokens' | 'pocNonces', fallback: number, least = 1) => {
    const v = options[field] ?? fallback
    if (!Number.isInteger(v) || v < least) throw bad(field, v, `expected a whole number ≥ ${least}`)
    return v
  }
  if (options.threshold !== undefined && !(typeof options.threshold === 'number' && options.threshold > 0 && options.threshold < 1)) throw bad('threshold', options.threshold, 'expected a number between 0 and 1')
  const samplings = options.samplings ?? DEFAULT_SAMPLINGS
  if (!Array.isArray(samplings) || samplings.length === 0) throw bad('samplings', samplings, 'expected a non-empty list like [{ temperature: 0 }, { temperature: 0.7, topP: 0.9 }]')
  samplings.forEach((s, i) => {
    const ok = typeof s === 'object' && s !== null && typeof s.temperature === 'number' && s.temperature >= 0 && (s.topP === undefined || (s.topP > 0 && s.topP <= 1)) && (s.topK === undefined || Number.isInteger(s.topK))
    if (!ok) throw bad(`samplings[${i}]`, s, 'expected { temperature ≥ 0, topP in (0, 1], topK a whole number }')
  })
  if (options.logprobsMode !== undefined && options.logprobsMode !== 'processed_logprobs' && options.logprobsMode !== 'raw_logprobs') throw bad('logprobsMode', options.logprobsMode, "expected 'processed_logprobs' or 'raw_logprobs'")
  const dir = dirname(ctx.file)
  return {
    reference: options.reference,
    prompts: int('prompts', 32),
    maxTokens: int('maxTokens', 128),
    pocNonces: int('pocNonces', 16, 0),
    samplings,
    threshold: resolveThreshold(ctx.model, options.threshold),
    ...(options.logprobsMode ? { logprobsMode: options.logprobsMode } : {}),
    ...(options.referenceFile ? { referenceFile: resolve(dir, options.referenceFile) } : {}),
    ...(options.writeReference ? { writeReference: resolve(dir, options.writeReference) } : {}),
  }
}
