/** Both workload fields of a suite are loaded and validated, whichever target runs. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hasCode } from '../../src/errors.js'
import type { WorkloadSpec } from '../../src/contracts/workload.js'
import { loadTargetWorkloads } from '../../src/run/workloads.js'

let dir: string
let suiteFile: string
const inline: WorkloadSpec[] = [{ name: 'tiny', requests: 2, prompt: { tokens: 100 }, maxTokens: 8 }]
const goodYaml = '- model_name: Qwen/QwQ-32B\n  experiment_name: short\n  description: two short requests\n  num_tasks: 2\n  num_runners: 1\n  generate_prompts: true\n  num_prompts: 2\n  prompt_length: 100\n  max_tokens: 8\n'

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mlnb-workloads-'))
  suiteFile = join(dir, 'model.bench.ts')
  await writeFile(join(dir, 'good.yml'), goodYaml)
  // A typo'd key: compressa-perf itself rejects unknown keys.
  await writeFile(join(dir, 'typo.yml'), goodYaml.replace('num_runners', 'num_runner'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

function errorOf(fn: () => unknown): Error {
  try {
    fn()
  } catch (error) {
    return error as Error
  }
  throw new Error('expected an error')
}

describe('loadTargetWorkloads', () => {
  it('picks simulatorWorkloads on the simulator and workloads on an MLNode', () => {
    const fields = { workloads: 'good.yml', simulatorWorkloads: inline }
    expect(loadTargetWorkloads(fields, suiteFile, true).map((w) => w.name)).toEqual(['tiny'])
    expect(loadTargetWorkloads(fields, suiteFile, false).map((w) => w.name)).toEqual(['short'])
  })

  it('fails a simulator run on a broken production YAML, naming suite file, field, value and the key', () => {
    const error = errorOf(() => loadTargetWorkloads({ workloads: 'typo.yml', simulatorWorkloads: inline }, suiteFile, true))
    expect(hasCode(error, 'MLNB_CONFIG')).toBe(true)
    expect(error.message).toContain(`${suiteFile}: field "workloads" = "typo.yml": `)
    expect(error.message).toContain('num_runner')
  })

  it('fails an MLNode run on a broken simulatorWorkloads, and lists both fields when both are broken', () => {
    const badInline = [{ ...inline[0]!, requests: -1 }]
    const one = errorOf(() => loadTargetWorkloads({ workloads: 'good.yml', simulatorWorkloads: badInline }, suiteFile, false))
    expect(one.message).toContain(`${suiteFile} simulatorWorkloads: workload "tiny": requests = -1`)
    const both = errorOf(() => loadTargetWorkloads({ workloads: 'missing.yml', simulatorWorkloads: badInline }, suiteFile, false))
    expect(both.message).toContain(`${suiteFile}: 2 broken workload fields:`)
    expect(both.message).toContain('field "workloads" names "missing.yml", which cannot be read')
    expect(both.message).toContain('simulatorWorkloads: workload "tiny": requests = -1')
  })
})
