/** networkModel suites: model and mandatory args from the chain entry, checked by the guard. */
import { thrown } from '../helpers/thrown.js'
import { describe, expect, it } from 'vitest'
import { hasCode } from '../../src/errors.js'
import { prepareVariants } from '../../src/run/prepare-variants.js'
import { resolveSuiteOptions, type DeploymentSuiteOptions } from '../../src/run/suite-options.js'
import { SNAPSHOT_REGISTRY } from '../../src/network/registry.js'
import type { NetworkRegistry } from '../../src/network/types.js'

const workloads = [{ name: 'tiny', requests: 2, concurrency: 1, prompt: { tokens: 10 }, maxTokens: 4 }]

function kimi(variants: DeploymentSuiteOptions['variants'], extra: Partial<DeploymentSuiteOptions> = {}): DeploymentSuiteOptions {
  return { networkModel: 'moonshotai/Kimi-K2.6', variants, workloads, ...extra }
}

describe('resolveSuiteOptions with networkModel', () => {
  it('takes model and mandatory args from the entry; model may be omitted', () => {
    const suite = resolveSuiteOptions(kimi({ tp8: ['-tp', '8'] }))
    expect(suite.model).toBe('moonshotai/Kimi-K2.6')
    expect(suite.mandatoryArgs).toEqual(['--enable-auto-tool-choice', '--max-model-len', '240000', '--tool-call-parser', 'kimi_k2', '--reasoning-parser', 'kimi_k2'])
    expect(suite.networkModel?.source).toEqual({ registry: 'snapshot', chainVersion: 'v0.2.13', file: 'inference-chain/app/upgrades/v0_2_13/upgrades.go' })
    const [plan] = prepareVariants(suite, 'benchmarks/kimi.bench.ts')
    expect(plan!.mlnodeArgs).toEqual(['--enable-auto-tool-choice', '--max-model-len', '240000', '--tool-call-parser', 'kimi_k2', '--reasoning-parser', 'kimi_k2', '--tensor-parallel-size', '8'])
  })

  it('mandatoryArgs equal to the chain in another spelling and order are accepted', () => {
    const suite = resolveSuiteOptions(
      kimi({ tp8: ['-tp', '8'] }, { model: 'moonshotai/Kimi-K2.6', mandatoryArgs: ['--reasoning_parser=kimi_k2', '--tool-call-parser', 'kimi_k2', '--max-model-len=240000', '--enable-auto-tool-choice'] }),
    )
    expect(suite.mandatoryArgs[0]).toBe('--enable-auto-tool-choice')
  })

  it('mandatoryArgs that differ from the chain are refused, naming each difference and the entry', () => {
    const error = thrown(() => resolveSuiteOptions(kimi({ tp8: ['-tp', '8'] }, { mandatoryArgs: ['--max-model-len', '128000', '--tool-call-parser', 'kimi_k2', '--reasoning-parser', 'kimi_k2', '--kv-cache-dtype', 'fp8'] })))
    expect(hasCode(error, 'MLNB_NETWORK_MODEL')).toBe(true)
    expect(error.message).toContain('the chain entry moonshotai/Kimi-K2.6 (snapshot, chain v0.2.13, inference-chain/app/upgrades/v0_2_13/upgrades.go)')
    expect(error.message).toContain('--enable-auto-tool-choice is missing: the chain fixes --enable-auto-tool-choice')
    expect(error.message).toContain('--max-model-len differs: the chain fixes --max-model-len 240000, the suite has --max-model-len 128000')
    expect(error.message).toContain("--kv-cache-dtype fp8 is not in the chain's args")
  })

  it('a model other than the entry id is refused', () => {
    expect(thrown(() => resolveSuiteOptions(kimi({ a: [] }, { model: 'moonshotai/Kimi-K2' }))).message).toContain('model "moonshotai/Kimi-K2" is not the network model\'s id "moonshotai/Kimi-K2.6": leave model out')
  })

  it('an unknown network model names the closest; neither model nor networkModel is a config error', () => {
    expect(thrown(() => resolveSuiteOptions({ networkModel: 'MiniMaxAI/MiniMax-M2.5', variants: {}, workloads })).message).toContain('Did you mean "MiniMaxAI/MiniMax-M2.7"?')
    const error = thrown(() => resolveSuiteOptions({ mandatoryArgs: [], variants: {}, workloads }))
    expect(hasCode(error, 'MLNB_CONFIG')).toBe(true)
    expect(error.message).toContain('field "model" is missing: give model and mandatoryArgs, or networkModel')
  })

  it('a live registry wins over the snapshot', () => {
    const snapshotKimi = SNAPSHOT_REGISTRY.models.find((m) => m.id === 'moonshotai/Kimi-K2.6')!
    const live: NetworkRegistry = {
      registry: 'live',
      url: 'http://node:1317',
      models: [{ ...snapshotKimi, modelArgs: ['--max-model-len', '200000'], source: { registry: 'live', url: 'http://node:1317', chainVersion: 'v0.2.14' } }],
    }
    const suite = resolveSuiteOptions(kimi({ tp8: ['-tp', '8'] }), live)
    expect(suite.mandatoryArgs).toEqual(['--max-model-len', '200000'])
    expect(suite.networkModel?.source.registry).toBe('live')
  })
})

describe('the guard on a networkModel suite', () => {
  it('a Kimi variant that drops --enable-auto-tool-choice is refused before deploy, naming the arg and the chain entry', () => {
    const suite = resolveSuiteOptions(kimi({ ok: ['-tp', '8'], 'no-tools': ['-tp', '8', '--no-enable-auto-tool-choice'], 'other-parser': ['-tp', '8', '--tool-call-parser', 'hermes'] }))
    const error = thrown(() => prepareVariants(suite, 'benchmarks/kimi.bench.ts'))
    expect(hasCode(error, 'MLNB_ARGS_GUARD')).toBe(true)
    const entry = 'the chain entry moonshotai/Kimi-K2.6 (snapshot, chain v0.2.13, inference-chain/app/upgrades/v0_2_13/upgrades.go)'
    expect(error.message).toContain(
      `variant "no-tools": moonshotai/Kimi-K2.6 variant no-tools: mandatory --enable-auto-tool-choice (fixed by ${entry}) is removed: expected --enable-auto-tool-choice (flag on), actual --no-enable-auto-tool-choice (flag off)`,
    )
    expect(error.message).toContain(`variant "other-parser": moonshotai/Kimi-K2.6 variant other-parser: mandatory --tool-call-parser (fixed by ${entry}) is changed: expected 'kimi_k2', actual 'hermes'`)
    expect(error.message).not.toContain('variant "ok"')
  })

  it('a QwQ-32B variant that drops the fp8 KV cache is refused, naming the genesis entry', () => {
    const suite = resolveSuiteOptions({ networkModel: 'Qwen/QwQ-32B', variants: { tp4: ['-tp', '4', '--kv-cache-dtype', 'auto'] }, workloads })
    expect(thrown(() => prepareVariants(suite, 'q.bench.ts')).message).toContain(
      "mandatory --kv-cache-dtype (fixed by the chain entry Qwen/QwQ-32B (snapshot, chain genesis, genesis/genesis-overrides.json)) is changed: expected 'fp8', actual 'auto'",
    )
  })
})
