/**
 * The similarity threshold a run holds each variant to (a validation passes when similarity >
 * threshold: inference-chain/x/inference/keeper/msg_server_validation.go). It comes from the
 * network-model registry (src/network: the chain's `validation_threshold`, snapshot or live), so
 * a chain upgrade that moves it is followed like the mandatory args are.
 */
import { activeNetworkRegistry, describeSource, lookupNetworkModel } from '../network/registry.js'
import type { NetworkRegistry } from '../network/types.js'
import { LEGACY_SIMILARITY_THRESHOLD } from './compare-logits.js'

export interface KnownThreshold {
  value: number
  /** Where the value comes from, for reports. */
  source: string
}

/** The threshold of a run: the suite's option, else the model's chain entry, else gonka's legacy default. */
export function resolveThreshold(model: string, option: number | undefined, registry: NetworkRegistry = activeNetworkRegistry()): KnownThreshold {
  if (option !== undefined) return { value: option, source: 'suite option validation.threshold' }
  const entry = lookupNetworkModel(model, registry)
  if (entry) return { value: entry.validationThreshold, source: `validation_threshold of ${entry.id} (${describeSource(entry)})` }
  return { value: LEGACY_SIMILARITY_THRESHOLD, source: 'LegacySimilarityThreshold of inference_validation.go (no network model of this id)' }
}
