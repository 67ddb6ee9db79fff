/** The snapshot shipped with the package, the gateway JSON parser and the lookups. */
import { thrown } from '../helpers/thrown.js'
import { describe, expect, it } from 'vitest'
import { parseVllmArgs } from '../../src/args/index.js'
import { hasCode } from '../../src/errors.js'
import { diffRegistries, isEmptyDiff } from '../../src/network/diff.js'
import { parseModelsAll, parsePocModels } from '../../src/network/parse.js'
import { SNAPSHOT_REGISTRY, closestModelId, findNetworkModel, networkModelEntry } from '../../src/network/registry.js'
import { mainnetModels, modelsAllBody, paramsBody } from './fixtures/gateway.js'

const URL_ = 'http://node:1317/productscience/inference/inference/models_all'

describe('the snapshot', () => {
  it('has the chain values of each entry, with the chain version and file they come from', () => {
    const kimi = networkModelEntry('moonshotai/Kimi-K2.6')
    expect(kimi.modelArgs).toEqual(['--enable-auto-tool-choice', '--max-model-len', '240000', '--tool-call-parser', 'kimi_k2', '--reasoning-parser', 'kimi_k2'])
    expect(kimi).toMatchObject({ vramGb: 720, validationThreshold: 0.9, poc: { seqLen: 1024, distThreshold: 0.4, pMismatch: 0.1 } })
    expect(kimi.source).toEqual({ registry: 'snapshot', chainVersion: 'v0.2.13', file: 'inference-chain/app/upgrades/v0_2_13/upgrades.go' })
    expect(networkModelEntry('MiniMaxAI/MiniMax-M2.7')).toMatchObject({ vramGb: 320, validationThreshold: 0.922, poc: { seqLen: 1024, distThreshold: 0.75 } })
    expect(networkModelEntry('Qwen/QwQ-32B')).toMatchObject({ modelArgs: ['--quantization', 'fp8', '--kv-cache-dtype', 'fp8'], vramGb: 80, source: { chainVersion: 'genesis', file: 'genesis/genesis-overrides.json' } })
    for (const entry of SNAPSHOT_REGISTRY.models) {
      expect(entry.source.registry).toBe('snapshot')
      expect(entry.source.chainVersion, entry.id).toBeTruthy()
      expect(entry.source.file, entry.id).toMatch(/^(inference-chain\/app\/upgrades\/v0_2_\d+\/upgrades\.go|genesis\/genesis-overrides\.json)$/)
      expect(entry.hfCommit, entry.id).toMatch(/^[0-9a-f]{40}$/)
      expect(entry.validationThreshold).toBeGreaterThan(0)
      expect(entry.validationThreshold).toBeLessThan(1)
      // Every arg is one the guard knows, so a variant can be checked against it.
      expect(() => parseVllmArgs(entry.modelArgs), entry.id).not.toThrow()
    }
  })

  it('the flag args and parsers the chain fixes are parsed as the guard needs them', () => {
    const kimi = parseVllmArgs(networkModelEntry('moonshotai/Kimi-K2.6').modelArgs).values
    expect(kimi.get('enable-auto-tool-choice')).toBe(true)
    expect(kimi.get('tool-call-parser')).toBe('kimi_k2')
    expect(kimi.get('reasoning-parser')).toBe('kimi_k2')
    expect(kimi.get('max-model-len')).toBe('240000')
  })

  it('an unknown model lists the known ones and the closest', () => {
    const error = thrown(() => findNetworkModel('moonshotai/Kimi-K2.5'))
    expect(hasCode(error, 'MLNB_NETWORK_MODEL')).toBe(true)
    expect(error.message).toContain('Network model "moonshotai/Kimi-K2.5" is not in the snapshot of mlnode-bench. Did you mean "moonshotai/Kimi-K2.6"?')
    expect(error.message).toContain('Known: moonshotai/Kimi-K2.6, MiniMaxAI/MiniMax-M2.7, Qwen/Qwen3-235B-A22B-Instruct-2507-FP8, Qwen/QwQ-32B, Qwen/Qwen2.5-7B-Instruct')
    expect(closestModelId('qwq-32b', ['Qwen/QwQ-32B', 'Qwen/Qwen2.5-7B-Instruct'])).toBe('Qwen/QwQ-32B')
    expect(closestModelId('MiniMax-M2', ['Qwen/QwQ-32B', 'MiniMaxAI/MiniMax-M2.7'])).toBe('MiniMaxAI/MiniMax-M2.7')
  })
})

describe('parseModelsAll: the gateway JSON', () => {
  it('reads every field, Decimal thresholds and string-encoded integers, and agrees with the snapshot', () => {
    const { models, nextKey } = parseModelsAll(modelsAllBody(), URL_)
    expect(nextKey).toBeUndefined()
    const kimi = models.find((m) => m.id === 'moonshotai/Kimi-K2.6')!
    expect(kimi).toEqual({
      id: 'moonshotai/Kimi-K2.6',
      hfRepo: 'moonshotai/Kimi-K2.6',
      hfCommit: '5a49d036ab7472b7d5912ded487150ec1358c11d',
      modelArgs: ['--enable-auto-tool-choice', '--max-model-len', '240000', '--tool-call-parser', 'kimi_k2', '--reasoning-parser', 'kimi_k2'],
      vramGb: 720,
      validationThreshold: 0.9,
      throughputPerNonce: 1500,
      unitsOfComputePerToken: 10000,
      source: { registry: 'live', url: URL_ },
    })
    const poc = parsePocModels(paramsBody(), URL_)
    const live = { registry: 'live' as const, models: models.map((m) => ({ ...m, ...(poc.get(m.id) ? { poc: poc.get(m.id)! } : {}) })) }
    const diff = diffRegistries(SNAPSHOT_REGISTRY, live)
    // The mainnet entries agree; the genesis-only ones are reported as not on the chain.
    expect(diff.changed).toEqual([])
    expect(diff.added).toEqual([])
    expect(diff.removed).toEqual(['Qwen/QwQ-32B', 'Qwen/Qwen2.5-7B-Instruct'])
    expect(isEmptyDiff(diff)).toBe(false)
  })

  it('accepts what proto3 JSON allows: numbers for integers, a string exponent, a next page key', () => {
    const [m] = mainnetModels()
    const body = JSON.stringify({ model: [{ ...m, v_ram: 320, validation_threshold: { value: 922, exponent: '-3' } }], pagination: { next_key: 'AQID', total: '0' } })
    const page = parseModelsAll(body, URL_)
    expect(page.models[0]).toMatchObject({ vramGb: 320, validationThreshold: 0.922 })
    expect(page.nextKey).toBe('AQID')
  })

  it.each([
    ['not JSON', '<html>502 Bad Gateway</html>', /^Chain answer from http:\/\/node:1317\/\S+ is not JSON/],
    ['no model list', JSON.stringify({ models: [] }), /field "model" is missing \(expected the QueryModelsAllResponse list\)/],
    ['a missing v_ram', JSON.stringify({ model: mainnetModels().map((m, i) => (i === 1 ? { ...m, v_ram: undefined } : m)) }), /field "model\[1\]\.v_ram" is missing/],
    ['a float threshold (the old proto)', JSON.stringify({ model: [{ ...mainnetModels()[0], validation_threshold: 0.922 }] }), /field "model\[0\]\.validation_threshold" must be an object, got 0\.922/],
    ['a non-integer Decimal value', JSON.stringify({ model: [{ ...mainnetModels()[0], validation_threshold: { value: '9.2', exponent: -1 } }] }), /field "model\[0\]\.validation_threshold\.value" must be an integer/],
    ['an arg that is not a string', JSON.stringify({ model: [{ ...mainnetModels()[0], model_args: ['--max-model-len', 180000] }] }), /field "model\[0\]\.model_args\[1\]" must be a string, got 180000/],
    ['a repeated id', JSON.stringify({ model: [mainnetModels()[0], mainnetModels()[0]] }), /field "model\[1\]\.id" repeats an id listed before/],
  ])('%s is an MLNB_CHAIN error naming the URL and the field', (_name, body, message) => {
    const error = thrown(() => parseModelsAll(body, URL_))
    expect(hasCode(error, 'MLNB_CHAIN')).toBe(true)
    expect(error.message).toMatch(message)
    expect(error.message).toContain(URL_)
  })

  it('PoC settings: a missing stat test is named by its path', () => {
    const body = JSON.stringify({ params: { poc_params: { models: [{ model_id: 'x', seq_len: '1024' }] } } })
    expect(thrown(() => parsePocModels(body, URL_)).message).toContain('field "params.poc_params.models[0].stat_test" is missing')
    // An older chain without per-model PoC configs: no settings, no error.
    expect(parsePocModels(JSON.stringify({ params: { poc_params: { seq_len: '256' } } }), URL_).size).toBe(0)
  })
})
