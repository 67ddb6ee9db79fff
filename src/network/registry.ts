/**
 * Lookups in a network registry: the snapshot shipped with the package, or the live one the
 * global setup read from MLNODE_BENCH_CHAIN_URL and handed to the workers.
 */
import { MlnodeBenchError } from '../errors.js'
import { SNAPSHOT_MODELS } from './snapshot.js'
import type { NetworkModel, NetworkModelRef, NetworkRegistry } from './types.js'

export const SNAPSHOT_REGISTRY: NetworkRegistry = { registry: 'snapshot', models: SNAPSHOT_MODELS }

/** The registry `networkModelEntry` reads; suites switch it to the live one when the run has one. */
let active: NetworkRegistry = SNAPSHOT_REGISTRY

/** Makes `registry` the one `networkModelEntry` answers from (undefined: back to the snapshot). */
export function useNetworkRegistry(registry: NetworkRegistry | undefined): void {
  active = registry ?? SNAPSHOT_REGISTRY
}

export function activeNetworkRegistry(): NetworkRegistry {
  return active
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!
    row[0] = i
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!
      row[j] = Math.min(above + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1))
      diagonal = above
    }
  }
  return row[b.length]!
}

/** The known id nearest to `id` (case-insensitive edit distance; a containing id first). */
export function closestModelId(id: string, known: readonly string[]): string | undefined {
  const wanted = id.toLowerCase()
  const containing = known.find((k) => k.toLowerCase().includes(wanted) || wanted.includes(k.toLowerCase()))
  if (containing) return containing
  let best: { id: string; distance: number } | undefined
  for (const k of known) {
    const distance = editDistance(wanted, k.toLowerCase())
    if (!best || distance < best.distance) best = { id: k, distance }
  }
  return best?.id
}

/** Where an entry comes from, for messages: `snapshot, chain v0.2.13, inference-chain/app/upgrades/v0_2_13/upgrades.go`. */
export function describeSource(entry: NetworkModel): string {
  const s = entry.source
  if (s.registry === 'live') return `live chain ${s.url ?? ''}${s.chainVersion ? ` (version ${s.chainVersion})` : ''}`.trim()
  return `snapshot, chain ${s.chainVersion ?? 'unknown version'}, ${s.file ?? 'unknown file'}`
}

/** The chain entry as a result records it. */
export function networkModelRef(entry: NetworkModel): NetworkModelRef {
  const s = entry.source
  return {
    id: entry.id,
    registry: s.registry,
    ...(s.chainVersion ? { chainVersion: s.chainVersion } : {}),
    ...(s.file ? { file: s.file } : {}),
    ...(s.url ? { url: s.url } : {}),
  }
}

/** The entry of `id` in `registry` (this run's: live, else the snapshot), or undefined for a model the chain does not serve. */
export function lookupNetworkModel(id: string, registry: NetworkRegistry = active): NetworkModel | undefined {
  return registry.models.find((m) => m.id === id)
}

/**
 * The entry of `id` in `registry`.
 * @throws MlnodeBenchError MLNB_NETWORK_MODEL listing the known ids and the closest one.
 */
export function findNetworkModel(id: string, registry: NetworkRegistry = active): NetworkModel {
  const entry = lookupNetworkModel(id, registry)
  if (entry) return entry
  const known = registry.models.map((m) => m.id)
  const closest = closestModelId(id, known)
  const where = registry.registry === 'live' ? `the live chain ${registry.url ?? ''}`.trim() : 'the snapshot of mlnode-bench'
  throw new MlnodeBenchError(
    'MLNB_NETWORK_MODEL',
    `Network model "${id}" is not in ${where}.${closest ? ` Did you mean "${closest}"?` : ''} Known: ${known.join(', ') || '(none)'}`,
    { details: { id, model: id, known, ...(closest ? { closest } : {}), registry: registry.registry } },
  )
}

/**
 * The chain's entry of a network model (args, VRam, validation threshold, PoC settings), from the
 * live registry of this run when there is one, else the snapshot. For helpers that need the
 * validation threshold or the PoC seq_len of a model.
 * @throws MlnodeBenchError MLNB_NETWORK_MODEL for an unknown id.
 */
export function networkModelEntry(id: string): NetworkModel {
  return findNetworkModel(id, active)
}
