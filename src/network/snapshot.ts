/**
 * The network's models as the gonka-ai/gonka sources set them, shipped with the package so that a
 * suite works offline. Every value is read from the file its entry cites (paths in
 * gonka-ai/gonka; docs/network-models.md quotes them). A live chain
 * (MLNODE_BENCH_CHAIN_URL) wins over this snapshot, and the differences are printed.
 *
 * Snapshot of mainnet after the v0.2.13 upgrade (v0.2.14 changes no model).
 */
import type { NetworkModel } from './types.js'

const V0_2_10 = 'inference-chain/app/upgrades/v0_2_10/upgrades.go'
const V0_2_12 = 'inference-chain/app/upgrades/v0_2_12/upgrades.go'
const V0_2_13 = 'inference-chain/app/upgrades/v0_2_13/upgrades.go'
const GENESIS = 'genesis/genesis-overrides.json'
/** Qwen3-235B was registered by a governance proposal, not by code: its MsgRegisterModel as published. */
const QWEN3_PROPOSAL = 'https://gonka.gg/network/proposals/2 (MsgRegisterModel)'

const GENESIS_ONLY =
  'A genesis model: the v0.2.12 upgrade (updateGovernanceModels) deleted every governance model without a PoC config, so mainnet no longer serves it; local and test chains started from this genesis still do.'

export const SNAPSHOT_MODELS: readonly NetworkModel[] = [
  {
    id: 'moonshotai/Kimi-K2.6',
    hfRepo: 'moonshotai/Kimi-K2.6',
    hfCommit: '5a49d036ab7472b7d5912ded487150ec1358c11d',
    modelArgs: ['--enable-auto-tool-choice', '--max-model-len', '240000', '--tool-call-parser', 'kimi_k2', '--reasoning-parser', 'kimi_k2'],
    vramGb: 720,
    validationThreshold: 0.9,
    throughputPerNonce: 1500,
    unitsOfComputePerToken: 10000,
    poc: { seqLen: 1024, distThreshold: 0.4, pMismatch: 0.1, pValueThreshold: 0.05 },
    source: { registry: 'snapshot', chainVersion: 'v0.2.13', file: V0_2_13 },
    history: [
      { chainVersion: 'v0.2.12', file: V0_2_12, what: 'kimiGovernanceModel: registered with --max-model-len 240000 --tool-call-parser kimi_k2 --reasoning-parser kimi_k2, v_ram 720, validation_threshold 0.920; kimiPoCModelConfig: seq_len 1024, dist_threshold 0.4, p_mismatch 0.1, p_value_threshold 0.05' },
      { chainVersion: 'v0.2.13', file: V0_2_13, what: 'updateKimiGovernanceModel: --enable-auto-tool-choice prepended, validation_threshold 0.900' },
    ],
  },
  {
    id: 'MiniMaxAI/MiniMax-M2.7',
    hfRepo: 'MiniMaxAI/MiniMax-M2.7',
    hfCommit: 'd494266a4affc0d2995ba1fa35c8481cbd84294b',
    modelArgs: ['--enable-auto-tool-choice', '--max-model-len', '180000', '--kv-cache-dtype', 'fp8', '--tool-call-parser', 'minimax_m2', '--reasoning-parser', 'minimax_m2_append_think'],
    vramGb: 320,
    validationThreshold: 0.922,
    throughputPerNonce: 5000,
    unitsOfComputePerToken: 10000,
    poc: { seqLen: 1024, distThreshold: 0.75, pMismatch: 0.1, pValueThreshold: 0.05 },
    source: { registry: 'snapshot', chainVersion: 'v0.2.13', file: V0_2_13 },
    history: [{ chainVersion: 'v0.2.13', file: V0_2_13, what: 'minimaxGovernanceModel and minimaxPoCModelConfig: registered' }],
  },
  {
    id: 'Qwen/Qwen3-235B-A22B-Instruct-2507-FP8',
    hfRepo: 'Qwen/Qwen3-235B-A22B-Instruct-2507-FP8',
    hfCommit: 'c0eb82898e3da8fb6dd017e3e6698a5e37b3a3e6',
    modelArgs: ['--max-model-len', '240000', '--enable-auto-tool-choice', '--tool-call-parser', 'hermes'],
    vramGb: 320,
    validationThreshold: 0.94,
    throughputPerNonce: 1500,
    unitsOfComputePerToken: 10000,
    source: { registry: 'snapshot', chainVersion: 'v0.2.13', file: V0_2_13 },
    history: [
      { chainVersion: 'governance', file: QWEN3_PROPOSAL, what: 'registered with --max-model-len 240000, v_ram 320, throughput_per_nonce 1500, validation_threshold 0.970917' },
      { chainVersion: 'v0.2.10', file: V0_2_10, what: 'updateQwenModel: args set to --max-model-len 240000 --enable-auto-tool-choice --tool-call-parser hermes, validation_threshold 0.958' },
      { chainVersion: 'v0.2.13', file: V0_2_13, what: 'qwenValidationThreshold: validation_threshold 0.940' },
    ],
    note: 'Its PoC config is the one v0.2.12 (migrateParams) moved from the chain-wide PoC params, which no source file sets: not in the snapshot (a live chain has it).',
  },
  {
    id: 'Qwen/QwQ-32B',
    hfRepo: 'Qwen/QwQ-32B',
    hfCommit: '976055f8c83f394f35dbd3ab09a285a984907bd0',
    modelArgs: ['--quantization', 'fp8', '--kv-cache-dtype', 'fp8'],
    vramGb: 80,
    validationThreshold: 0.85,
    throughputPerNonce: 1000,
    unitsOfComputePerToken: 1000,
    source: { registry: 'snapshot', chainVersion: 'genesis', file: GENESIS },
    history: [{ chainVersion: 'genesis', file: GENESIS, what: 'model_list entry' }],
    note: GENESIS_ONLY,
  },
  {
    id: 'Qwen/Qwen2.5-7B-Instruct',
    hfRepo: 'Qwen/Qwen2.5-7B-Instruct',
    hfCommit: 'a09a35458c702b33eeacc393d103063234e8bc28',
    modelArgs: ['--quantization', 'fp8'],
    vramGb: 24,
    validationThreshold: 0.85,
    throughputPerNonce: 10000,
    unitsOfComputePerToken: 100,
    source: { registry: 'snapshot', chainVersion: 'genesis', file: GENESIS },
    history: [{ chainVersion: 'genesis', file: GENESIS, what: 'model_list entry' }],
    note: GENESIS_ONLY,
  },
]
