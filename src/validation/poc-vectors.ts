/**
 * The PoC side of the validation check: the reference variant generates PoC vectors for a fixed set
 * of nonces (MLNode's `POST /api/v1/inference/pow/generate` with explicit nonces, `wait`), and each
 * variant generates the same nonces with those vectors as `validation.artifacts` plus the chain's
 * stat test: MLNode compares each vector with the reference's (distance ≤ dist_threshold), counts
 * the mismatches and runs the binomial test against p_mismatch, as the network's PoC validation
 * does (mlnode/packages/api/src/api/inference/pow_v2_routes.py; the chain's PoCModelConfig in
 * inference-chain/app/upgrades/v0_2_12/upgrades.go). A variant whose vectors the test calls fraud
 * fails validation like one whose logits drift.
 */
import type { PocValidationFigures } from '../contracts/results.js'
import { PocClient } from '../poc/client.js'
import { chainPocParams } from '../poc/chain-params.js'
import { describeSource, lookupNetworkModel } from '../network/registry.js'

export interface PocVector {
  nonce: number
  vector_b64: string
}

/** The fixed seed of the check's generation: the same on every variant and run. */
const SEED = { block_hash: 'mlnode-bench-validation', block_height: 1, public_key: 'mlnode-bench', node_id: 0, node_count: 1 }

export interface PocCheckPlan {
  model: string
  nonces: number
  seqLen: number
  /** The chain's stat test for the model, when its registry entry has one. */
  stat?: { distThreshold: number; pMismatch: number; source: string }
}

/** What the check sends: the model's chain seq_len and stat test (else MLNode's own defaults). */
export function pocCheckPlan(model: string, nonces: number): PocCheckPlan {
  const entry = lookupNetworkModel(model)
  return {
    model,
    nonces,
    seqLen: chainPocParams(model).seqLen,
    ...(entry?.poc ? { stat: { distThreshold: entry.poc.distThreshold, pMismatch: entry.poc.pMismatch, source: `PoCModelConfig of ${entry.id} (${describeSource(entry)})` } } : {}),
  }
}

function body(plan: PocCheckPlan) {
  return { ...SEED, params: { model: plan.model, seq_len: plan.seqLen }, nonces: Array.from({ length: plan.nonces }, (_, i) => i), wait: true, batch_size: Math.min(plan.nonces, 8) }
}

/** The reference's vectors for the check's nonces. */
export async function recordPocVectors(mgmtUrl: string, plan: PocCheckPlan): Promise<PocVector[]> {
  const client = new PocClient(mgmtUrl, { timeoutMs: 120_000 })
  try {
    const answer = await client.generate(body(plan))
    const artifacts = answer.artifacts as PocVector[] | undefined
    if (!Array.isArray(artifacts) || artifacts.length !== plan.nonces) throw new Error(`pow/generate answered ${JSON.stringify(answer).slice(0, 200)}`)
    return artifacts
  } finally {
    await client.close()
  }
}

/** This variant's vectors judged against the reference's by MLNode's stat test. */
export async function checkPocVectors(mgmtUrl: string, plan: PocCheckPlan, reference: readonly PocVector[]): Promise<PocValidationFigures> {
  const client = new PocClient(mgmtUrl, { timeoutMs: 120_000 })
  try {
    const answer = await client.generate({
      ...body(plan),
      validation: { artifacts: [...reference] },
      ...(plan.stat ? { stat_test: { dist_threshold: plan.stat.distThreshold, p_mismatch: plan.stat.pMismatch } } : {}),
    })
    const mismatches = Number(answer.n_mismatch)
    const pValue = Number(answer.p_value)
    if (!Number.isFinite(mismatches) || !Number.isFinite(pValue) || typeof answer.fraud_detected !== 'boolean') throw new Error(`pow/generate with validation answered ${JSON.stringify(answer).slice(0, 200)}`)
    return {
      nonces: plan.nonces,
      mismatches,
      pValue,
      passed: !answer.fraud_detected,
      seqLen: plan.seqLen,
      statTest: plan.stat ? `dist_threshold ${plan.stat.distThreshold}, p_mismatch ${plan.stat.pMismatch} (${plan.stat.source})` : "MLNode's default stat test",
    }
  } finally {
    await client.close()
  }
}
