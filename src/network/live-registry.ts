/**
 * The run's live registry: read once, in vitest's global setup, when MLNODE_BENCH_CHAIN_URL is
 * set, then handed to the workers (collection is synchronous, so suites cannot fetch). What the
 * chain says differently from the snapshot is printed entry by entry, with the fact that the live
 * values are the ones used.
 */
import { CHAIN_URL_ENV, DEFAULT_CHAIN_TIMEOUT_MS, fetchNetworkRegistry } from './fetch.js'
import { diffLines, diffRegistries } from './diff.js'
import { SNAPSHOT_REGISTRY } from './registry.js'
import type { NetworkRegistry } from './types.js'

export const CHAIN_TIMEOUT_ENV = 'MLNODE_BENCH_CHAIN_TIMEOUT_MS'

/** Milliseconds of MLNODE_BENCH_CHAIN_TIMEOUT_MS, or the default. */
function timeoutOf(env: NodeJS.ProcessEnv): number {
  const raw = env[CHAIN_TIMEOUT_ENV]
  if (raw === undefined || raw === '') return DEFAULT_CHAIN_TIMEOUT_MS
  const ms = Number(raw)
  return Number.isFinite(ms) && ms > 0 ? ms : DEFAULT_CHAIN_TIMEOUT_MS
}

/** The text printed when a live registry is used: the source, then each difference from the snapshot. */
export function liveRegistryBanner(live: NetworkRegistry): string {
  const lines = diffLines(diffRegistries(SNAPSHOT_REGISTRY, live))
  const head = `mlnode-bench: network models read from the chain at ${live.url}${live.chainVersion ? ` (version ${live.chainVersion})` : ''}: ${live.models.length} model(s); networkModel suites use these live values`
  return lines.length === 0 ? `${head}, the same as the snapshot.` : `${head}. Different from the snapshot shipped with mlnode-bench:\n${lines.map((l) => `  - ${l}`).join('\n')}`
}

/**
 * The live registry when MLNODE_BENCH_CHAIN_URL is set (printed with its differences), else undefined.
 * @throws MlnodeBenchError MLNB_CHAIN when the chain cannot be read: asked for, a live registry is never silently replaced by the snapshot.
 */
export async function loadLiveRegistry(env: NodeJS.ProcessEnv, log: (text: string) => void = console.log): Promise<NetworkRegistry | undefined> {
  const url = env[CHAIN_URL_ENV]
  if (url === undefined || url.trim() === '') return undefined
  const live = await fetchNetworkRegistry(url.trim(), { timeoutMs: timeoutOf(env) })
  log(liveRegistryBanner(live))
  return live
}
