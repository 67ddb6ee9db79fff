/**
 * The chain's PoC settings per model, as the node software sends them in `params.seq_len`
 * (docs/poc.md "Chain settings"): the model's entry in the network-model registry (src/network:
 * `PoCModelConfig`, snapshot or live chain), else the chain-wide default every model migrated from
 * the single-model params keeps: `SeqLen` 256 (`DefaultPocParams` / `DefaultPoCModelConfig`,
 * gonka-ai/gonka inference-chain/x/inference/types/params.go).
 */
import { activeNetworkRegistry, describeSource, lookupNetworkModel } from '../network/registry.js'
import type { NetworkRegistry } from '../network/types.js'

/** The chain's PoC config of one model, as far as a benchmark needs it. */
export interface ChainPocParams {
  seqLen: number
  /** Where the figure comes from (a public gonka path, or the live chain). */
  source: string
}

/** `DefaultPoCModelConfig().SeqLen` (params.go): what every model without its own entry uses. */
export const DEFAULT_POC_SEQ_LEN = 256

const PARAMS_GO = 'gonka-ai/gonka inference-chain/x/inference/types/params.go (DefaultPoCModelConfig)'

/** The chain's PoC params for `model` (the default config when the chain has no entry of its own). */
export function chainPocParams(model: string, registry: NetworkRegistry = activeNetworkRegistry()): ChainPocParams {
  const entry = lookupNetworkModel(model, registry)
  if (entry?.poc) return { seqLen: entry.poc.seqLen, source: `PoCModelConfig of ${entry.id} (${describeSource(entry)})` }
  return { seqLen: DEFAULT_POC_SEQ_LEN, source: PARAMS_GO }
}
