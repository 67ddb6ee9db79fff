/** The live registry read over HTTP from a stand-in chain on 127.0.0.1, and its diff with the snapshot. */
import { afterEach, describe, expect, it } from 'vitest'
import { hasCode, type MlnodeBenchError } from '../../src/errors.js'
import { diffLines, diffRegistries } from '../../src/network/diff.js'
import { fetchNetworkRegistry } from '../../src/network/fetch.js'
import { liveRegistryBanner, loadLiveRegistry } from '../../src/network/live-registry.js'
import { SNAPSHOT_REGISTRY } from '../../src/network/registry.js'
import { startChainServer, type ChainServer } from './chain-server.js'
import { MODELS, mainnetModels, mainnetRoutes, modelsAllBody } from './fixtures/gateway.js'

let chain: ChainServer | undefined
afterEach(async () => {
  await chain?.close()
  chain = undefined
})

async function failure(promise: Promise<unknown>): Promise<MlnodeBenchError> {
  try {
    await promise
  } catch (error) {
    return error as MlnodeBenchError
  }
  throw new Error('expected a rejection')
}

describe('fetchNetworkRegistry', () => {
  it('reads models_all, the PoC params and the node version', async () => {
    chain = await startChainServer(mainnetRoutes())
    const live = await fetchNetworkRegistry(`${chain.url}/`)
    expect(live).toMatchObject({ registry: 'live', url: chain.url, chainVersion: 'v0.2.13' })
    expect(live.models.map((m) => m.id)).toEqual(['MiniMaxAI/MiniMax-M2.7', 'Qwen/Qwen3-235B-A22B-Instruct-2507-FP8', 'moonshotai/Kimi-K2.6'])
    const kimi = live.models.find((m) => m.id === 'moonshotai/Kimi-K2.6')!
    expect(kimi.poc).toEqual({ seqLen: 1024, distThreshold: 0.4, pMismatch: 0.1, pValueThreshold: 0.05 })
    expect(kimi.source).toEqual({ registry: 'live', url: chain.url, chainVersion: 'v0.2.13' })
    expect(diffRegistries(SNAPSHOT_REGISTRY, live).changed).toEqual([])
  })

  it('a changed arg and threshold are reported by entry and field', async () => {
    const models = mainnetModels().map((m) =>
      m.id === 'moonshotai/Kimi-K2.6' ? { ...m, model_args: m.model_args.map((a) => (a === '240000' ? '200000' : a)), validation_threshold: { value: '880', exponent: -3 } } : m,
    )
    chain = await startChainServer(mainnetRoutes(models))
    const live = await fetchNetworkRegistry(chain.url)
    const diff = diffRegistries(SNAPSHOT_REGISTRY, live)
    expect(diff.changed.map((c) => `${c.id} ${c.field}`)).toEqual(['moonshotai/Kimi-K2.6 modelArgs', 'moonshotai/Kimi-K2.6 validationThreshold'])
    expect(diffLines(diff)).toContain(
      'moonshotai/Kimi-K2.6 modelArgs: snapshot --enable-auto-tool-choice --max-model-len 240000 --tool-call-parser kimi_k2 --reasoning-parser kimi_k2 → live --enable-auto-tool-choice --max-model-len 200000 --tool-call-parser kimi_k2 --reasoning-parser kimi_k2',
    )
    expect(diffLines(diff)).toContain('moonshotai/Kimi-K2.6 validationThreshold: snapshot 0.9 → live 0.88')
    const banner = liveRegistryBanner(live)
    expect(banner).toContain(`network models read from the chain at ${chain.url} (version v0.2.13): 3 model(s); networkModel suites use these live values`)
    expect(banner).toContain('  - Qwen/QwQ-32B: in the snapshot, not on the chain')
  })

  it('follows pagination.next_key', async () => {
    const [a, b, c] = mainnetModels()
    chain = await startChainServer({ ...mainnetRoutes(), [MODELS]: { body: modelsAllBody([a!, b!], 'AQI=') }, [`${MODELS}?pagination.key=AQI%3D`]: { body: modelsAllBody([c!]) } })
    const live = await fetchNetworkRegistry(chain.url)
    expect(live.models).toHaveLength(3)
    expect(chain.requests).toContain(`${MODELS}?pagination.key=AQI%3D`)
  })

  it('an unreachable chain is an MLNB_CHAIN error naming the URL', async () => {
    chain = await startChainServer({})
    const url = chain.url
    await chain.close()
    chain = undefined
    const error = await failure(fetchNetworkRegistry(url, { timeoutMs: 2000 }))
    expect(hasCode(error, 'MLNB_CHAIN')).toBe(true)
    expect(error.message).toMatch(new RegExp(`^Chain REST API at ${url}/productscience/inference/inference/models_all: unreachable \\(ECONNREFUSED\\)`))
    expect(error.message).toContain('MLNODE_BENCH_CHAIN_URL')
  })

  it('a chain that does not answer fails after the bounded timeout', async () => {
    chain = await startChainServer({ ...mainnetRoutes(), [MODELS]: 'hang' })
    const started = performance.now()
    const error = await failure(fetchNetworkRegistry(chain.url, { timeoutMs: 300 }))
    expect(hasCode(error, 'MLNB_CHAIN')).toBe(true)
    expect(error.message).toContain(`Chain REST API at ${chain.url}${MODELS}: no answer within 300 ms`)
    expect(performance.now() - started).toBeLessThan(5000)
  })

  it('an HTTP error and malformed JSON name the URL', async () => {
    chain = await startChainServer({ ...mainnetRoutes(), [MODELS]: { status: 500, body: '{"code":13,"message":"internal"}' } })
    expect((await failure(fetchNetworkRegistry(chain.url))).message).toBe(`Chain answered HTTP 500 to GET ${chain.url}${MODELS}: "{\\"code\\":13,\\"message\\":\\"internal\\"}"`)
    chain.routes.set(MODELS, { body: '{"model": [' })
    const error = await failure(fetchNetworkRegistry(chain.url))
    expect(hasCode(error, 'MLNB_CHAIN')).toBe(true)
    expect(error.message).toMatch(new RegExp(`^Chain answer from ${chain.url}${MODELS} is not JSON`))
  })

  it('credentials in the chain URL are never printed', async () => {
    chain = await startChainServer(mainnetRoutes())
    const withSecret = chain.url.replace('http://', 'http://user:s3cret@')
    const live = await fetchNetworkRegistry(withSecret)
    expect(JSON.stringify(live)).not.toContain('s3cret')
  })
})

describe('loadLiveRegistry (the global setup)', () => {
  it('reads nothing without MLNODE_BENCH_CHAIN_URL', async () => {
    expect(await loadLiveRegistry({}, () => undefined)).toBeUndefined()
  })

  it('prints the source and the differences, and fails (never falls back) when the chain cannot be read', async () => {
    chain = await startChainServer(mainnetRoutes())
    const printed: string[] = []
    const live = await loadLiveRegistry({ MLNODE_BENCH_CHAIN_URL: chain.url }, (t) => printed.push(t))
    expect(live?.registry).toBe('live')
    expect(printed.join('\n')).toContain('networkModel suites use these live values')
    chain.routes.set(MODELS, 'hang')
    const error = await failure(loadLiveRegistry({ MLNODE_BENCH_CHAIN_URL: chain.url, MLNODE_BENCH_CHAIN_TIMEOUT_MS: '200' }, () => undefined))
    expect(error.message).toContain('no answer within 200 ms')
  })
})
