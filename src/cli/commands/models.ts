/**
 * `mlnode-bench models [--model <id>] [--chain <url>] [--json]`: the Gonka network's models with
 * the args the chain fixes, VRam, validation threshold, PoC seq_len and where each value comes
 * from. With a chain (--chain or MLNODE_BENCH_CHAIN_URL) the live entries are listed and every
 * difference from the snapshot shipped with the package is marked.
 */
import { MlnodeBenchError } from '../../errors.js'
import { diffLines, diffRegistries, type RegistryDiff } from '../../network/diff.js'
import { CHAIN_URL_ENV, DEFAULT_CHAIN_TIMEOUT_MS, fetchNetworkRegistry } from '../../network/fetch.js'
import { describeSource, findNetworkModel, SNAPSHOT_REGISTRY } from '../../network/registry.js'
import type { NetworkModel, NetworkRegistry } from '../../network/types.js'
import { parseCommandLine } from '../parse-options.js'

export const summary = "the network's models as the chain fixes them (args, VRam, threshold, PoC); --chain reads a live chain"

const USAGE = `Usage: mlnode-bench models [--model <id>] [--chain <url>] [--timeout-ms ${DEFAULT_CHAIN_TIMEOUT_MS}] [--json]

Lists the models of the Gonka network with the vLLM args the chain fixes for them (the
mandatory args of a deploymentSuite({ networkModel })), VRam, validation threshold, PoC seq_len
and the source of the values. Without a chain, the snapshot shipped with mlnode-bench (each entry
cites the chain version and the gonka-ai/gonka file it comes from). --chain <url> (default:
${CHAIN_URL_ENV}) reads a node's REST API (e.g. http://node:1317) and marks with * every field
that differs from the snapshot. --model shows one entry; --json prints the entries and the diff.`

function poc(entry: NetworkModel): string {
  return entry.poc ? String(entry.poc.seqLen) : '-'
}

/** The human table, one block per model; `*` marks a field a live chain changed. */
function renderText(registry: NetworkRegistry, models: readonly NetworkModel[], diff: RegistryDiff | undefined): string {
  const changed = new Set(diff?.changed.map((c) => `${c.id}\u0000${c.field}`) ?? [])
  const mark = (id: string, field: string) => (changed.has(`${id}\u0000${field}`) ? ' *' : '')
  const head =
    registry.registry === 'live'
      ? `Network models on the chain at ${registry.url}${registry.chainVersion ? ` (version ${registry.chainVersion})` : ''}; * = differs from the snapshot of mlnode-bench`
      : `Network models (snapshot shipped with mlnode-bench; --chain <url> reads a live chain)`
  const blocks = models.map((m) =>
    [
      `${m.id}`,
      `  args        ${m.modelArgs.join(' ') || '(none)'}${mark(m.id, 'modelArgs')}`,
      `  VRam        ${m.vramGb} GB${mark(m.id, 'vramGb')}`,
      `  threshold   ${m.validationThreshold}${mark(m.id, 'validationThreshold')}`,
      `  PoC seq_len ${poc(m)}${mark(m.id, 'poc')}${m.poc ? ` (dist_threshold ${m.poc.distThreshold}, p_mismatch ${m.poc.pMismatch})` : ''}`,
      `  HF          ${m.hfRepo}@${m.hfCommit || '(no commit)'}${mark(m.id, 'hfCommit')}${mark(m.id, 'hfRepo')}`,
      `  source      ${describeSource(m)}`,
      ...(m.note ? [`  note        ${m.note}`] : []),
    ].join('\n'),
  )
  const differences = diff ? diffLines(diff) : []
  const tail = registry.registry === 'live' ? (differences.length === 0 ? ['Same as the snapshot.'] : ['Differences from the snapshot:', ...differences.map((l) => `  - ${l}`)]) : []
  return [head, '', blocks.join('\n\n'), ...(tail.length ? ['', ...tail] : [])].join('\n')
}

/** Entry point of `mlnode-bench models`. */
export async function run(argv: string[]): Promise<number> {
  const cli = parseCommandLine(
    {
      command: 'models',
      usage: USAGE,
      options: {
        model: { type: 'string' },
        chain: { type: 'string' },
        'timeout-ms': { type: 'integer', min: 1 },
        json: { type: 'boolean' },
      },
    },
    argv,
  )
  if (!cli) return 0
  const { values } = cli
  const chainUrl = values.chain ?? (process.env[CHAIN_URL_ENV]?.trim() || undefined)
  const registry = chainUrl ? await fetchNetworkRegistry(chainUrl, { timeoutMs: values['timeout-ms'] ?? DEFAULT_CHAIN_TIMEOUT_MS }) : SNAPSHOT_REGISTRY
  const diff = registry.registry === 'live' ? diffRegistries(SNAPSHOT_REGISTRY, registry) : undefined
  const models = values.model === undefined ? registry.models : [findNetworkModel(values.model, registry)]
  if (values.json) {
    const forModels = (d: RegistryDiff): RegistryDiff =>
      values.model === undefined ? d : { changed: d.changed.filter((c) => c.id === values.model), added: d.added.filter((id) => id === values.model), removed: [] }
    console.log(JSON.stringify({ registry: registry.registry, ...(registry.url ? { url: registry.url } : {}), ...(registry.chainVersion ? { chainVersion: registry.chainVersion } : {}), models, ...(diff ? { diff: forModels(diff) } : {}) }, null, 2))
    return 0
  }
  if (models.length === 0) throw new MlnodeBenchError('MLNB_CHAIN', `The chain at ${registry.url} lists no model`, { details: { url: registry.url } })
  console.log(renderText(registry, models, diff))
  return 0
}
