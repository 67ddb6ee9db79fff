/**
 * What a live chain says differently from the snapshot shipped with the package: per entry and
 * per field, so a user sees exactly which arg or threshold the chain changed since the release.
 */
import type { NetworkModel, NetworkRegistry } from './types.js'

/** The fields of an entry that a chain sets. */
export const COMPARED_FIELDS = ['hfRepo', 'hfCommit', 'modelArgs', 'vramGb', 'validationThreshold', 'throughputPerNonce', 'unitsOfComputePerToken', 'poc'] as const
export type ComparedField = (typeof COMPARED_FIELDS)[number]

export interface FieldChange {
  id: string
  field: ComparedField
  snapshot: unknown
  live: unknown
}

export interface RegistryDiff {
  /** Same id on both sides, some field different. */
  changed: FieldChange[]
  /** On the chain, not in the snapshot. */
  added: string[]
  /** In the snapshot, not on the chain. */
  removed: string[]
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b)
}

/** A poc the snapshot does not know (undefined) is not a difference: the snapshot simply has none. */
function fieldDiffers(field: ComparedField, snapshot: NetworkModel, live: NetworkModel): boolean {
  if (field === 'poc' && snapshot.poc === undefined) return false
  if (field === 'poc' && live.poc && snapshot.poc) {
    const { pValueThreshold: _a, ...s } = snapshot.poc
    const { pValueThreshold: _b, ...l } = live.poc
    return !same(s, l) || (snapshot.poc.pValueThreshold !== undefined && live.poc.pValueThreshold !== undefined && snapshot.poc.pValueThreshold !== live.poc.pValueThreshold)
  }
  return !same(snapshot[field], live[field])
}

export function diffRegistries(snapshot: NetworkRegistry, live: NetworkRegistry): RegistryDiff {
  const liveById = new Map(live.models.map((m) => [m.id, m]))
  const snapById = new Map(snapshot.models.map((m) => [m.id, m]))
  const changed: FieldChange[] = []
  for (const s of snapshot.models) {
    const l = liveById.get(s.id)
    if (!l) continue
    for (const field of COMPARED_FIELDS) {
      if (fieldDiffers(field, s, l)) changed.push({ id: s.id, field, snapshot: s[field], live: l[field] })
    }
  }
  return {
    changed,
    added: live.models.filter((m) => !snapById.has(m.id)).map((m) => m.id),
    removed: snapshot.models.filter((m) => !liveById.has(m.id)).map((m) => m.id),
  }
}

function show(value: unknown): string {
  if (value === undefined) return '(absent)'
  if (Array.isArray(value)) return value.join(' ') || '(none)'
  return typeof value === 'object' ? JSON.stringify(value) : String(value)
}

/** One line per difference, for people: `moonshotai/Kimi-K2.6 modelArgs: snapshot '…', live '…'`. */
export function diffLines(diff: RegistryDiff): string[] {
  return [
    ...diff.changed.map((c) => `${c.id} ${c.field}: snapshot ${show(c.snapshot)} → live ${show(c.live)}`),
    ...diff.added.map((id) => `${id}: on the chain, not in the snapshot`),
    ...diff.removed.map((id) => `${id}: in the snapshot, not on the chain`),
  ]
}

export function isEmptyDiff(diff: RegistryDiff): boolean {
  return diff.changed.length === 0 && diff.added.length === 0 && diff.removed.length === 0
}
