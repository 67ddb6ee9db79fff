/**
 * Reads the network's models from a chain node's REST API (port 1317 of a Gonka node, or any
 * public API root): models_all for the governance models, params for their PoC settings, and
 * node_info for the chain version (best effort). Every request has a hard timeout.
 */
import { request } from 'undici'
import { MlnodeBenchError, redact } from '../errors.js'
import { parseModelsAll, parsePocModels } from './parse.js'
import type { NetworkModel, NetworkRegistry } from './types.js'

export const CHAIN_URL_ENV = 'MLNODE_BENCH_CHAIN_URL'
export const MODELS_PATH = '/productscience/inference/inference/models_all'
export const PARAMS_PATH = '/productscience/inference/inference/params'
export const NODE_INFO_PATH = '/cosmos/base/tendermint/v1beta1/node_info'
/** Default bound on each request to the chain. */
export const DEFAULT_CHAIN_TIMEOUT_MS = 10_000
/** A registry larger than this many pages is not a Gonka chain's model list. */
const MAX_PAGES = 20

export interface FetchRegistryOptions {
  timeoutMs?: number
}

/** The REST root without a trailing slash. @throws MlnodeBenchError MLNB_CHAIN for a non-http(s) URL. */
export function chainRoot(url: string): string {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw new MlnodeBenchError('MLNB_CHAIN', `Chain URL "${redact(url)}" is not a URL: expected the node's REST root, e.g. http://node:1317`, { details: { url: redact(url) } })
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new MlnodeBenchError('MLNB_CHAIN', `Chain URL "${redact(url)}" must be http(s), e.g. http://node:1317`, { details: { url: redact(url) } })
  }
  return url.replace(/\/+$/, '')
}

/** GET one path; the body as text. @throws MlnodeBenchError MLNB_CHAIN naming the URL. */
async function getText(url: string, timeoutMs: number): Promise<string> {
  const shown = redact(url)
  const signal = AbortSignal.timeout(timeoutMs)
  try {
    const answer = await request(url, { method: 'GET', signal, headersTimeout: timeoutMs, bodyTimeout: timeoutMs, headers: { accept: 'application/json' } })
    const body = await answer.body.text()
    if (answer.statusCode !== 200) {
      throw new MlnodeBenchError('MLNB_CHAIN', `Chain answered HTTP ${answer.statusCode} to GET ${shown}: ${JSON.stringify(body.slice(0, 200))}`, { details: { url: shown, status: answer.statusCode } })
    }
    return body
  } catch (error) {
    if (error instanceof MlnodeBenchError) throw error
    const timedOut = signal.aborted || /timeout/i.test(String((error as { code?: unknown }).code ?? ''))
    const reason = timedOut ? `no answer within ${timeoutMs} ms` : `unreachable (${(error as { code?: string }).code ?? (error as Error).message})`
    throw new MlnodeBenchError('MLNB_CHAIN', `Chain REST API at ${shown}: ${reason}; set ${CHAIN_URL_ENV} (or --chain) to a reachable node's REST root, e.g. http://node:1317`, {
      cause: error,
      details: { url: shown, timedOut },
    })
  }
}

/** All pages of models_all. */
async function fetchModels(root: string, timeoutMs: number): Promise<NetworkModel[]> {
  const models: NetworkModel[] = []
  let key: string | undefined
  for (let page = 0; page < MAX_PAGES; page++) {
    const url = `${root}${MODELS_PATH}${key === undefined ? '' : `?pagination.key=${encodeURIComponent(key)}`}`
    const parsed = parseModelsAll(await getText(url, timeoutMs), redact(url))
    models.push(...parsed.models)
    if (parsed.nextKey === undefined) return models
    key = parsed.nextKey
  }
  throw new MlnodeBenchError('MLNB_CHAIN', `Chain at ${redact(root)} lists more than ${MAX_PAGES} pages of models: not a Gonka model registry`, { details: { url: redact(root) } })
}

/** The node's application version; undefined when the node does not say (best effort). */
async function fetchVersion(root: string, timeoutMs: number): Promise<string | undefined> {
  try {
    const info = JSON.parse(await getText(`${root}${NODE_INFO_PATH}`, timeoutMs)) as { application_version?: { version?: unknown } }
    const version = info.application_version?.version
    return typeof version === 'string' && version.length > 0 ? version : undefined
  } catch {
    return undefined
  }
}

/**
 * The live registry of the chain at `url`: every governance model, with the PoC settings the
 * chain's params hold for it.
 * @throws MlnodeBenchError MLNB_CHAIN when the chain is unreachable, slow, or serves a bad shape.
 */
export async function fetchNetworkRegistry(url: string, options: FetchRegistryOptions = {}): Promise<NetworkRegistry> {
  const root = chainRoot(url)
  const timeoutMs = options.timeoutMs ?? DEFAULT_CHAIN_TIMEOUT_MS
  const models = await fetchModels(root, timeoutMs)
  const paramsUrl = `${root}${PARAMS_PATH}`
  const poc = parsePocModels(await getText(paramsUrl, timeoutMs), redact(paramsUrl))
  const chainVersion = await fetchVersion(root, timeoutMs)
  const shown = redact(root)
  return {
    registry: 'live',
    url: shown,
    ...(chainVersion ? { chainVersion } : {}),
    models: models.map((m) => {
      const settings = poc.get(m.id)
      return { ...m, ...(settings ? { poc: settings } : {}), source: { registry: 'live', url: shown, ...(chainVersion ? { chainVersion } : {}) } }
    }),
  }
}
