/** A suite's PoC workload: validated at the edge (file, workload, field, value named), normalised, seq_len from the chain. */
import { describe, expect, it } from 'vitest'
import { loadSuiteWorkloads } from '../../src/run/workloads.js'
import { validateWorkload } from '../../src/load/validate.js'
import { chainPocParams, DEFAULT_POC_SEQ_LEN } from '../../src/poc/chain-params.js'
import type { PocWorkloadSpec, WorkloadSpec } from '../../src/contracts/workload.js'

const FILE = 'benchmarks/x.bench.ts'
const load = (w: unknown) => loadSuiteWorkloads([w as PocWorkloadSpec], FILE, 'workloads')

describe('PoC workloads', () => {
  it('load beside load workloads, keep their PoC fields and no load fields', () => {
    const specs = loadSuiteWorkloads([{ name: 'chat', requests: 2, prompt: { tokens: 10 }, maxTokens: 4 }, { name: 'poc', poc: { durationS: 60, batchSize: 8 } }], FILE, 'workloads')
    expect(specs[1]).toEqual({ name: 'poc', poc: { durationS: 60, batchSize: 8 }, source: `${FILE} workloads` })
    expect(specs[1]!.requests).toBeUndefined()
  })

  it.each([
    [{ name: 'p', poc: {} }, 'poc.durationS = undefined must be a finite number > 0'],
    [{ name: 'p', poc: { durationS: 0 } }, 'poc.durationS = 0 must be a finite number > 0'],
    [{ name: 'p', poc: { durationS: 10, batchSize: 2 } }, 'poc.batchSize = 2 must be an integer ≥ 3'],
    [{ name: 'p', poc: { durationS: 10, seqLen: 25.5 } }, 'poc.seqLen = 25.5 must be an integer ≥ 1'],
    [{ name: 'p', poc: { durationS: 10, batch: 8 } }, 'poc.batch = 8 is not a PoC field'],
    [{ name: 'p', poc: { durationS: 10 }, requests: 5 }, 'requests = 5 is a load field: a PoC workload has none'],
    [{ name: 'p', poc: 'fast' }, 'poc = "fast" must be an object'],
    [{ name: '', poc: { durationS: 1 } }, 'name = "" must be a non-empty string'],
  ])('rejects %j naming file, workload, field and value', (w, message) => {
    expect(() => load(w)).toThrow(expect.objectContaining({ code: 'MLNB_CONFIG', message: expect.stringContaining(`${FILE} workloads: workload "${w.name || '(unnamed)'}"`.replace('"(unnamed)"', '""')) }))
    expect(() => load(w)).toThrow(message)
  })

  it('validateWorkload takes a PoC workload on its own rules (no requests needed)', () => {
    expect(() => validateWorkload({ name: 'p', poc: { durationS: 5 } } as unknown as WorkloadSpec)).not.toThrow()
  })

  it("seq_len defaults to the chain's: 1024 for Kimi-K2.6 (v0.2.12 upgrade), 256 otherwise", () => {
    expect(chainPocParams('moonshotai/Kimi-K2.6').seqLen).toBe(1024)
    expect(chainPocParams('Qwen/Qwen2.5-7B-Instruct')).toMatchObject({ seqLen: DEFAULT_POC_SEQ_LEN })
    expect(DEFAULT_POC_SEQ_LEN).toBe(256)
  })
})
