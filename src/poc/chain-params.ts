/**
 * The chain's PoC settings per model, as the node software sends them in `params.seq_len`
 * (docs/poc.md "Chain settings"). A small cited map until the network registry replaces it:
 * - every model migrated from the single-model params keeps the old `SeqLen`, whose default is
 *   256 (`DefaultPocParams` / `DefaultPoCModelConfig`, gonka-ai/gonka
 *   inference-chain/x/inference/types/params.go);
 * - the v0.2.12 upgrade adds `moonshotai/Kimi-K2.6` with `SeqLen: 1024`, stat test
 *   dist_threshold 0.4, p_mismatch 0.1, p-value threshold 0.05 (`kimiPoCModelConfig`,
 *   gonka-ai/gonka inference-chain/app/upgrades/v0_2_12/upgrades.go).
 */

/** The chain's PoC config of one model, as far as a benchmark needs it. */
export interface ChainPocParams {
  seqLen: number
  /** Where the figure comes from (a public gonka path). */
  source: string
}

/** `DefaultPoCModelConfig().SeqLen` (params.go): what every model without its own entry uses. */
export const DEFAULT_POC_SEQ_LEN = 256

const PARAMS_GO = 'gonka-ai/gonka inference-chain/x/inference/types/params.go (DefaultPoCModelConfig)'

const BY_MODEL: Readonly<Record<string, ChainPocParams>> = {
  'moonshotai/Kimi-K2.6': { seqLen: 1024, source: 'gonka-ai/gonka inference-chain/app/upgrades/v0_2_12/upgrades.go (kimiPoCModelConfig)' },
}

/** The chain's PoC params for `model` (the default config when the chain has no entry of its own). */
export function chainPocParams(model: string): ChainPocParams {
  return BY_MODEL[model] ?? { seqLen: DEFAULT_POC_SEQ_LEN, source: PARAMS_GO }
}
