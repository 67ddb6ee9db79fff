/**
 * A suite's deploy timeout beyond MLNode's own start-up limit (runner.py: 1200 s) is warned about
 * against a real MLNode (here the fake MLNode v0.2.12 of test/mlnode); not at or below it.
 */
import { expect, it, onTestFinished } from 'vitest'
import { parseVllmArgs, planDeploy } from '../../src/args/index.js'
import { deployTimeoutWarning, MLNODE_STARTUP_LIMIT_S } from '../../src/mlnode/startup-limit.js'
import { MlnodeTarget } from '../../src/run/mlnode-target.js'
import { consoleInto } from '../run/console-lines.js'
import type { DeployRequest } from '../../src/run/target.js'
import { healthyRoutes, startFakeMlnode } from '../mlnode/fake-mlnode.js'

const MODEL = 'Qwen/QwQ-32B'
function request(deployTimeoutS: number): DeployRequest {
  const args = parseVllmArgs(['--kv-cache-dtype', 'fp8', '--quantization', 'fp8', '-tp', '8'])
  return { model: MODEL, dtype: 'float16', variant: { name: 'tp8', ...planDeploy(MODEL, args) }, deployTimeoutS, checkFeasibility: false }
}

it('says nothing at 1200 s, warns beyond it, naming the limit and the knob', async () => {
  expect(MLNODE_STARTUP_LIMIT_S).toBe(1200)
  expect(deployTimeoutWarning(1200, MODEL)).toBeUndefined()
  const fake = await startFakeMlnode(healthyRoutes({ model: MODEL, gpus: 8, replicas: [1] }))
  onTestFinished(() => fake.close())
  const lines: string[] = []
  const target = new MlnodeTarget({ mgmtUrl: fake.url, inferenceUrl: fake.url }, consoleInto(lines))
  onTestFinished(() => target.client.close())
  await target.ready(request(3600)).catch(() => undefined)
  const warnings = lines.filter((l) => l.includes('start-up limit'))
  expect(warnings).toEqual([`⚠ ${MODEL}: deployTimeoutS 3600 s is longer than MLNode's own start-up limit (1200 s, runner.py WAIT_FOR_SERVER_TIMEOUT): MLNode fails a start that takes longer unless VLLM_RUNNER_TIMEOUT is raised on the node`])
})
