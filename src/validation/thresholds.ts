/**
 * The network's similarity thresholds per model, as the chain set them (a validation passes when
 * similarity > threshold: inference-chain/x/inference/keeper/msg_server_validation.go). One place
 * to swap for the network-model registry (src/network/) once it lands. Sources in
 * docs/validation-check.md §4.
 */
import { LEGACY_SIMILARITY_THRESHOLD } from './compare-logits.js'

export interface KnownThreshold {
  value: number
  /** Where the value comes from, for reports. */
  source: string
}

/** Cited values (docs/validation-check.md §4). */
export const KNOWN_THRESHOLDS: Readonly<Record<string, KnownThreshold>> = {
  'moonshotai/Kimi-K2.6': { value: 0.9, source: 'gonka v0.2.13 upgrade (inference-chain/app/upgrades/v0_2_13/upgrades.go kimiValidationThreshold)' },
  'MiniMaxAI/MiniMax-M2.7': { value: 0.922, source: 'gonka v0.2.13 upgrade (inference-chain/app/upgrades/v0_2_13/upgrades.go minimaxValidationThreshold)' },
  'Qwen/Qwen3-235B-A22B-Instruct-2507-FP8': { value: 0.970917, source: 'gonka governance proposal 2 (MsgRegisterModel, validation_threshold 970917e-6)' },
  'Qwen/QwQ-32B': { value: 0.97, source: 'gonka governance proposal 2 (MsgRegisterModel, validation_threshold 97e-2)' },
  'Qwen/Qwen2.5-7B-Instruct': { value: 0.97, source: 'gonka governance proposal 2 (MsgRegisterModel, validation_threshold 97e-2)' },
}

/** The threshold of a run: the suite's option, else the model's cited value, else gonka's legacy default. */
export function resolveThreshold(model: string, option: number | undefined): KnownThreshold {
  if (option !== undefined) return { value: option, source: 'suite option validation.threshold' }
  return KNOWN_THRESHOLDS[model] ?? { value: LEGACY_SIMILARITY_THRESHOLD, source: 'LegacySimilarityThreshold of inference_validation.go (no threshold known for this model)' }
}
