/**
 * MLNode v0.2.12's pow/status lists only the healthy backends: replicas that load at different
 * speeds once looked like an instance cap (an unchanged count for a minute), which was carried
 * to later variants and recorded a wrong layout. The cap now comes from what MLNode reports
 * (its metrics exporter's `mlnode_config_info{replicas}`), or from the user's declaration; a
 * slow replica is waited for. Real loopback fake MLNode, fake clock only.
 */
import { expect, it } from 'vitest'
import { parseVllmArgs, planDeploy } from '../../src/args/index.js'
import { startedInstancesOf } from '../../src/mlnode/client.js'
import type { WaitUntilReadyOptions } from '../../src/mlnode/index.js'
import { healthyRoutes, powBody, sequence, setup } from '../mlnode/fake-mlnode.js'

const MODEL = 'Qwen/QwQ-32B'
const REQUEST = { model: MODEL, dtype: 'float16', additional_args: ['--tensor-parallel-size', '1'] }
const plan = planDeploy(MODEL, parseVllmArgs(['--tensor-parallel-size', '1']))

function fakeClock(): Pick<WaitUntilReadyOptions, 'now' | 'sleep'> {
  let t = 0
  return { now: () => t, sleep: async (ms) => void (t += ms) }
}

it('a replica that loads minutes after the others is waited for, not taken for a cap', async () => {
  // 8 GPUs at TP1: 8 replicas; 3 are healthy for 100 polls (200 s at 2 s), then all 8.
  const routes = healthyRoutes({ model: MODEL, gpus: 8, replicas: [] })
  routes['GET /api/v1/inference/pow/status'] = sequence(...Array.from({ length: 100 }, () => powBody([5001, 5002, 5003])), powBody([5001, 5002, 5003, 5004, 5005, 5006, 5007, 5008]))
  const { client } = await setup(routes)
  const result = await client.waitUntilReady({ request: REQUEST, plan, variant: 'tp1', pollIntervalMs: 2_000, ...fakeClock() })
  expect(result).toMatchObject({ replicas: 8, expectedReplicas: 8 })
  expect(result.cappedAt).toBeUndefined()
})

it("the cap MLNode reports (metrics: mlnode_config_info replicas) is expected at once and named", async () => {
  const routes = healthyRoutes({ model: MODEL, gpus: 8, replicas: [] })
  routes['GET /api/v1/inference/pow/status'] = sequence(powBody([5001]), powBody([5001, 5002, 5003]))
  routes['GET /api/v1/metrics'] = (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' })
    res.end('# HELP mlnode_config_info x\n# TYPE mlnode_config_info gauge\nmlnode_config_info{model_name="qwq",dtype="float16",replicas="3",max_num_seqs="",max_model_len="",tensor_parallel_size="1",pipeline_parallel_size=""} 1\n')
  }
  const { client } = await setup(routes)
  const result = await client.waitUntilReady({ request: REQUEST, plan, variant: 'tp1', pollIntervalMs: 2_000, ...fakeClock() })
  expect(result).toMatchObject({ replicas: 3, expectedReplicas: 3, cappedAt: 3 })
})

it('reads replicas only from the mlnode_config_info series', () => {
  expect(startedInstancesOf('mlnode_config_info{model_name="m",replicas="4"} 1\n')).toBe(4)
  expect(startedInstancesOf('vllm_x{replicas="9"} 1\nmlnode_config_info{model_name="m"} 1\n')).toBeUndefined()
  expect(startedInstancesOf('')).toBeUndefined()
})
