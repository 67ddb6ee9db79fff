import { describe, expect, it } from 'vitest'
import { hasCode } from '../../../src/errors.js'
import { runBench } from '../../../src/run/run-bench.js'
import { resolveSuiteOptions } from '../../../src/run/suite-options.js'
import type { DeployRequest, Target } from '../../../src/run/target.js'
import { TARGET_KINDS, targetKindFromEnv, targetKindOf } from '../../../src/run/targets/registry.js'

describe('the target registry', () => {
  it('registers each kind under its own MLNODE_BENCH_TARGET name and config kind', () => {
    const names = TARGET_KINDS.map((k) => k.name)
    expect(new Set(names).size).toBe(names.length)
    expect(new Set(TARGET_KINDS.map((k) => k.kind)).size).toBe(names.length)
    for (const kind of TARGET_KINDS) expect(targetKindFromEnv({ MLNODE_BENCH_TARGET: kind.name })).toBe(kind)
    // Exactly one fallback: the embedded simulator.
    expect(TARGET_KINDS.filter((k) => 'fallback' in k && k.fallback).map((k) => k.name)).toEqual(['sim'])
  })

  it('finds the kind of a provided config, and refuses one no kind is registered under', () => {
    expect(targetKindOf({ kind: 'openai' }).name).toBe('openai')
    let error: unknown
    try {
      targetKindOf({ kind: 'k8s' })
    } catch (e) {
      error = e
    }
    expect(hasCode(error, 'MLNB_CONFIG')).toBe(true)
    expect((error as Error).message).toContain('"k8s"')
  })

  it("labels a bench that failed before its target described itself with the kind's own label (an OpenAI target is not 'mlnode')", async () => {
    const suite = resolveSuiteOptions({ model: 'Qwen/Qwen2.5-7B-Instruct', mandatoryArgs: [], variants: { v: [] }, workloads: [] })
    const request = { model: suite.model, dtype: 'auto', variant: { name: 'v', mlnodeArgs: [], tp: 1, pp: 1 }, deployTimeoutS: 1 } as unknown as DeployRequest
    const broken: Target = {
      describe: () => Promise.reject(new Error('unreachable')),
      prepare: async () => {},
      ready: () => Promise.reject(new Error('connection refused')),
      endpoint: () => ({ inferenceUrl: 'http://127.0.0.1:1' }),
      metricsSources: () => ({ urls: [], unavailable: [] }),
      close: async () => {},
    }
    const spec = { name: 'chat', requests: 1, concurrency: 1, prompt: { tokens: 10 }, maxTokens: 4 }
    const { result, error } = await runBench({ suite, source: 'a.bench.ts', targetKind: targetKindOf({ kind: 'openai' }).resultKind, request, spec, target: broken })
    expect((error as Error).message).toBe('connection refused')
    expect(result.status).toBe('failed')
    expect(result.target).toEqual({ kind: 'openai', hardware: 'unknown' })
  })
})
