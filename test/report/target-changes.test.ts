/** A baseline measured on other GPUs or another node software is "target changed", named, never judged. */
import { describe, expect, it } from 'vitest'
import { updateBaseline } from '../../src/report/baseline.js'
import { diffResults } from '../../src/report/diff.js'
import type { BenchResult, Provenance } from '../../src/contracts/results.js'
import { passedResult } from '../fixtures/reporters-shared/make-results.js'

const provenance: Provenance = { tool: { name: 'mlnode-bench', version: '0.1.0' }, date: '2025-01-01T00:00:00.000Z', git: { commit: 'a'.repeat(40), dirty: false } }
const H100 = { kind: 'mlnode', hardware: '8x NVIDIA H100 80GB HBM3' } as const
const ENV = { gpus: Array(8).fill('NVIDIA H100 80GB HBM3'), driverVersion: '570.124.06', cudaDriverVersion: '12.8', vllmVersion: '0.9.1', modelCommit: 'c0eb828' }

function onNode(over: Partial<BenchResult>, scale = 1, seed = 1): BenchResult {
  return { ...passedResult('m', 'tp4', 'chat', { seed, scale, target: H100 }), environment: ENV, ...over }
}

describe('target changes in the gate', () => {
  const base = updateBaseline(undefined, [onNode({})], provenance).baseline

  it('keeps the environment in the baseline entry and judges a run on the same setup', () => {
    expect(base.results.m!.tp4!.chat!.environment).toEqual(ENV)
    const diff = diffResults(base, [onNode({}, 1.3, 7)])
    expect(diff.entries[0]!.status).toBe('compared')
    expect(diff.hasRegression).toBe(true)
  })

  it('a run on another GPU says "target changed: GPU …" and judges nothing, even 30 % slower', () => {
    const b200 = onNode({ target: { kind: 'mlnode', hardware: '8x NVIDIA B200' }, environment: { ...ENV, gpus: Array(8).fill('NVIDIA B200') } }, 1.3, 7)
    const diff = diffResults(base, [b200])
    expect(diff.entries[0]!.status).toBe('target-changed')
    expect(diff.hasRegression).toBe(false)
    const note = diff.entries[0]!.metrics[0]!.note
    expect(note).toMatch(/^target changed: GPU: 8x NVIDIA H100 80GB HBM3 → 8x NVIDIA B200; GPUs: NVIDIA H100 80GB HBM3, .* → NVIDIA B200, /)
    expect(diff.entries[0]!.metrics.every((m) => m.verdict === 'not-compared')).toBe(true)
  })

  it('another driver, vLLM version or model revision on the same GPUs is a changed target, naming what changed', () => {
    const upgraded = onNode({ environment: { ...ENV, vllmVersion: '0.15.1', driverVersion: '580.65.06' } }, 1.3, 7)
    const diff = diffResults(base, [upgraded])
    expect(diff.entries[0]!.status).toBe('target-changed')
    expect(diff.entries[0]!.metrics[0]!.note).toBe('target changed: driver: 570.124.06 → 580.65.06; vLLM: 0.9.1 → 0.15.1')
  })

  it('a field one side did not record is not a change (an older baseline, a node that does not tell)', () => {
    const quiet = onNode({ environment: { gpus: ENV.gpus } }, 1, 3)
    expect(diffResults(base, [quiet]).entries[0]!.status).toBe('compared')
  })
})
