/**
 * `deploymentSuite({ networkModel })`: the model and its mandatory args come from the chain's
 * entry. A suite that also types `model` or `mandatoryArgs` must agree with the chain exactly
 * (any spelling vLLM accepts, any order): an extra arg would measure a deployment no host may
 * run, a missing or changed one would hide that the chain moved. docs/network-models.md.
 */
import { parseVllmArgs, type ArgValue } from '../args/index.js'
import { MlnodeBenchError } from '../errors.js'
import { describeSource, findNetworkModel } from './registry.js'
import type { NetworkModel, NetworkRegistry } from './types.js'

export interface NetworkSuiteFields {
  networkModel: string
  model?: string | undefined
  mandatoryArgs?: readonly string[] | undefined
}

export interface ResolvedNetworkModel {
  model: string
  mandatoryArgs: readonly string[]
  entry: NetworkModel
}

function show(arg: string, value: ArgValue | undefined): string {
  if (value === undefined) return '(absent)'
  if (value === true) return `--${arg}`
  if (value === false) return `--no-${arg}`
  return `--${arg} ${value}`
}

/** Each difference between the suite's mandatory args and the chain's, one sentence each. */
export function mandatoryArgDifferences(suiteArgs: readonly string[], chainArgs: readonly string[], source: string): string[] {
  const ours = parseVllmArgs(suiteArgs, { source: `mandatoryArgs of ${source}` }).values
  const chain = parseVllmArgs(chainArgs, { source: `the chain's model_args` }).values
  const out: string[] = []
  for (const [arg, value] of chain) {
    const mine = ours.get(arg)
    if (mine === undefined) out.push(`--${arg} is missing: the chain fixes ${show(arg, value)}`)
    else if (mine !== value) out.push(`--${arg} differs: the chain fixes ${show(arg, value)}, the suite has ${show(arg, mine)}`)
  }
  for (const [arg, value] of ours) {
    if (!chain.has(arg)) out.push(`${show(arg, value)} is not in the chain's args`)
  }
  return out
}

/**
 * The model and mandatory args a `networkModel` suite runs with.
 * @throws MlnodeBenchError MLNB_NETWORK_MODEL for an unknown id, or a `model`/`mandatoryArgs` that differ from the chain's.
 */
export function resolveNetworkModel(fields: NetworkSuiteFields, registry: NetworkRegistry, source = 'deploymentSuite'): ResolvedNetworkModel {
  const entry = findNetworkModel(fields.networkModel, registry)
  const where = `${entry.id} (${describeSource(entry)})`
  const problems: string[] = []
  if (fields.model !== undefined && fields.model !== entry.id) problems.push(`model "${fields.model}" is not the network model's id "${entry.id}": leave model out`)
  if (fields.mandatoryArgs !== undefined) problems.push(...mandatoryArgDifferences(fields.mandatoryArgs, entry.modelArgs, source))
  if (problems.length > 0) {
    throw new MlnodeBenchError(
      'MLNB_NETWORK_MODEL',
      `${source}: networkModel "${entry.id}" fixes the model and its mandatory args, and the suite's own differ from the chain entry ${where}:\n  - ${problems.join('\n  - ')}\nLeave mandatoryArgs out (they come from the chain), or make them equal; speed-only args belong in the variants.`,
      { details: { networkModel: entry.id, model: entry.id, source: entry.source, problems } },
    )
  }
  return { model: entry.id, mandatoryArgs: entry.modelArgs, entry }
}
