/** A compressa-perf YAML asking for more requests than one workload can hold fails at collection. */
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { expect, it } from 'vitest'
import { loadTargetWorkloads } from '../../src/run/workloads.js'
import { useTempDir } from '../temp-dir.js'

const dir = useTempDir('mlnb-compressa-bounds-')
const yaml = (numTasks: string) =>
  `- model_name: Qwen/QwQ-32B\n  experiment_name: huge\n  description: d\n  num_tasks: ${numTasks}\n  num_runners: 1\n  generate_prompts: true\n  num_prompts: 2\n  prompt_length: 100\n  max_tokens: 8\n`

it('names num_tasks: 1e15 and the bound, before any deploy', async () => {
  await writeFile(join(dir(), 'huge.yml'), yaml('1000000000000000'))
  expect(() => loadTargetWorkloads({ workloads: 'huge.yml' }, join(dir(), 'm.bench.ts'), true)).toThrow(
    /field "workloads": workload "huge": requests \(compressa-perf num_tasks\) = 1000000000000000 is more than 1,000,000/,
  )
})

it('accepts a million', async () => {
  await writeFile(join(dir(), 'million.yml'), yaml('1000000'))
  expect(loadTargetWorkloads({ workloads: 'million.yml' }, join(dir(), 'm.bench.ts'), true)[0]!.requests).toBe(1_000_000)
})
