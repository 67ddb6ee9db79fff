/**
 * Which results.json entries a run replaces. A run owns what it ran: its results replace the
 * entries of the same bench (or the same model › variant › workload). Everything else is kept
 * with the run that measured it, so a `-t` or single-file check after a long GPU run keeps that
 * run's results. Entries of a bench that is gone are dropped: the bench is no longer in a file
 * this run collected, or its file no longer exists.
 */
import { randomBytes } from 'node:crypto'
import { keyId } from './diff.js'
import type { BenchIdentity, BenchResult, Provenance, RunResults, RunStamp } from '../contracts/results.js'

/** What a run saw of the suites, to tell a filtered-out bench (kept) from a removed one (dropped). */
export interface RunScope {
  /** Full names of every bench (run or filtered out) per file this run collected, by `benchFileKey`. */
  collected: ReadonlyMap<string, ReadonlySet<string>>
  /** Whether a suite file (relative to the root) still exists. */
  fileExists: (file: string) => boolean
}

/** Key of a suite file of a project. */
export function benchFileKey(bench: Pick<BenchIdentity, 'project' | 'file'>): string {
  return `${bench.project}\u0000${bench.file}`
}

function benchKey(bench: BenchIdentity): string {
  return `${benchFileKey(bench)}\u0000${bench.name}`
}

/** A new run id: its start time (to the second) and a random suffix, e.g. `20250101T120000Z-3fa2c1`. */
export function newRunStamp(date: Date, git?: RunStamp['git']): RunStamp {
  const time = date.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')
  return { id: `${time}-${randomBytes(3).toString('hex')}`, date: date.toISOString(), ...(git ? { git } : {}) }
}

/**
 * The entries of an earlier results file, each stamped with its run: files of older versions
 * carry no per-entry run, their file's provenance stands for it.
 */
export function previousEntries(file: RunResults): BenchResult[] {
  const fallback: RunStamp = file.run
    ? { id: file.run.id, date: file.run.date, ...(file.run.git ? { git: file.run.git } : {}) }
    : stampOf(file.provenance)
  return file.results.map((r) => (r.run ? r : { ...r, run: fallback }))
}

function stampOf(provenance: Provenance): RunStamp {
  return { id: `earlier-${provenance.date}`, date: provenance.date, ...(provenance.git ? { git: provenance.git } : {}) }
}

/**
 * Merges this run's entries into the previous ones. An entry of this run replaces the previous
 * entry of the same bench or result key in place; a 'skipped' entry (the bench did not run)
 * replaces nothing. With a scope, previous entries of removed benches are dropped. New entries
 * follow in this run's order.
 */
export function mergeRunEntries(previous: readonly BenchResult[], current: readonly BenchResult[], scope?: RunScope): BenchResult[] {
  const byBench = new Map<string, BenchResult>()
  const byKey = new Map<string, BenchResult>()
  // Two benches of this run with one result key (a clash the reporters fail the run for): both kept.
  const clashing: BenchResult[] = []
  for (const r of current) {
    if (r.status === 'skipped' && previous.some((p) => same(p, r))) continue
    if (r.bench) byBench.set(benchKey(r.bench), r)
    const other = byKey.get(keyId(r))
    if (other && other.bench && r.bench && benchKey(other.bench) !== benchKey(r.bench)) clashing.push(r)
    else byKey.set(keyId(r), r)
  }
  const placed = new Set<BenchResult>()
  const out: BenchResult[] = []
  for (const p of previous) {
    const next = (p.bench && byBench.get(benchKey(p.bench))) || byKey.get(keyId(p))
    if (next) {
      if (!placed.has(next)) out.push(next)
      placed.add(next)
    } else if (!scope || !removed(p, scope)) out.push(p)
  }
  for (const r of [...byKey.values(), ...clashing]) if (!placed.has(r)) out.push(r)
  return out
}

function same(a: BenchResult, b: BenchResult): boolean {
  return (a.bench !== undefined && b.bench !== undefined && benchKey(a.bench) === benchKey(b.bench)) || keyId(a) === keyId(b)
}

function removed(entry: BenchResult, scope: RunScope): boolean {
  if (!entry.bench) return false
  if (!scope.fileExists(entry.bench.file)) return true
  const names = scope.collected.get(benchFileKey(entry.bench))
  return names !== undefined && !names.has(entry.bench.name)
}
