/**
 * A model of the Gonka network as its chain fixes it: the governance `Model` record
 * (inference-chain/proto/inference/inference/model.proto, served at
 * /productscience/inference/inference/models_all) plus the model's PoC settings
 * (`PoCModelConfig` in params.proto). docs/network-models.md has the sources.
 */

/** Where an entry's values come from. */
export interface NetworkModelSource {
  /** Snapshot shipped with the package, or read from a chain's REST API. */
  registry: 'snapshot' | 'live'
  /** Chain release whose code set the values last (`v0.2.13`, `genesis`); live: the node's version when it said. */
  chainVersion?: string
  /** Snapshot: the gonka-ai/gonka file that set them (an upgrade handler, a genesis file). */
  file?: string
  /** Live: the URL read (credentials removed). */
  url?: string
}

/** One step of an entry's history on the chain, for people (docs, `models --json`). */
export interface NetworkModelChange {
  chainVersion: string
  file: string
  what: string
}

/** PoC v2 settings of a model (`PoCModelConfig`: seq_len and `PoCStatTestParams`). */
export interface PocSettings {
  seqLen: number
  /** L2 distance above which two PoC vectors count as mismatched. */
  distThreshold: number
  /** Expected honest mismatch rate (the null hypothesis). */
  pMismatch: number
  /** P-value below which a participant is declared fraudulent. */
  pValueThreshold?: number
}

export interface NetworkModel {
  /** Governance model id: what MLNode deploys and the OpenAI API serves. */
  id: string
  hfRepo: string
  hfCommit: string
  /** vLLM args the chain fixes, as argv tokens (every host runs exactly these). */
  modelArgs: readonly string[]
  /** `v_ram`: GPU memory the model needs, GB. */
  vramGb: number
  /** `validation_threshold` (a chain Decimal) as a number. */
  validationThreshold: number
  throughputPerNonce?: number
  unitsOfComputePerToken?: number
  /** Set where the chain sets a PoC config for the model. */
  poc?: PocSettings
  source: NetworkModelSource
  /** Snapshot only: how the entry came to be, step by step. */
  history?: readonly NetworkModelChange[]
  /** Snapshot only: what a reader should know (e.g. removed from mainnet). */
  note?: string
}

/** A set of network models and where they were read. */
export interface NetworkRegistry {
  registry: 'snapshot' | 'live'
  /** Live: the chain REST root read (credentials removed). */
  url?: string
  /** Live: the node's application version (`/cosmos/base/tendermint/v1beta1/node_info`), when it answered. */
  chainVersion?: string
  models: readonly NetworkModel[]
}

/** What a result records about the entry that fixed its args (BenchResult.networkModel). */
export type { NetworkModelEntryRef as NetworkModelRef } from '../contracts/results.js'
