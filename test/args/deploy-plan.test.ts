import { describe, expect, it } from 'vitest'
import { hasCode } from '../../src/errors.js'
import { instancesOnServer, parseVllmArgs, placeDeployPlan, planDeploy } from '../../src/args/index.js'

const MODEL = 'Qwen/QwQ-32B'
const QWQ = { attentionHeads: 40, layers: 64, id: MODEL }
const plan = (...tokens: string[]) => planDeploy(MODEL, parseVllmArgs(tokens))

describe('planDeploy', () => {
  it('reads TP, PP and DP in any spelling, once', () => {
    const p = plan('-tp', '2', '--pipeline-parallel-size=2', '-dp', '2')
    expect(p).toMatchObject({ tp: 2, pp: 2, dp: 2, gpusPerInstance: 8 })
    expect(p.mlnodeArgs).toEqual(['--tensor-parallel-size', '2', '--pipeline-parallel-size', '2', '--data-parallel-size', '2'])
  })

  it('serves the model id unless --served-model-name names others (all of them listed)', () => {
    expect(plan('-tp', '4').servedModelNames).toEqual([MODEL])
    expect(plan('--served-model-name', 'qwq', 'qwq-fp8').servedModelNames).toEqual(['qwq', 'qwq-fp8'])
  })

  it('rejects a size that is not a positive integer', () => {
    let caught: unknown
    try {
      plan('-dp', '0')
    } catch (error) {
      caught = error
    }
    expect(hasCode(caught, 'MLNB_ARGS_PARSE')).toBe(true)
    expect((caught as Error).message).toContain("--data-parallel-size must be a positive integer, got '0'")
  })
})

describe('placeDeployPlan: MLNode places min(cap, floor(G / (TP*PP))) instances', () => {
  it.each([
    [['-tp', '4'], 8, 2, 0],
    [['-tp', '2', '-pp', '2'], 8, 2, 0],
    [['-tp', '8'], 8, 1, 0],
    [['-tp', '4'], 6, 1, 2],
    [[], 8, 8, 0],
  ])('%j on %i GPUs → %i instance(s), %i idle', (tokens, gpus, instances, idle) => {
    const placed = placeDeployPlan(plan(...tokens), gpus, { model: QWQ })
    expect(placed.problems).toEqual([])
    expect(placed.layout).toMatchObject({ instances, idleGpus: idle })
  })

  it('-tp 8 -dp 2 on 8 GPUs is rejected, not deployed as 1 instance', () => {
    const placed = placeDeployPlan(plan('-tp', '8', '-dp', '2'), 8, { model: QWQ })
    expect(placed.layout.instances).toBe(0)
    expect(placed.problems.join('\n')).toMatch(/needs TP\*PP\*DP = 16 GPUs per instance but the server has 8/)
  })

  it('any DP > 1 is rejected under MLNode: each instance only sees TP*PP GPUs', () => {
    const placed = placeDeployPlan(plan('-tp', '4', '-dp', '2'), 8, { model: QWQ })
    expect(placed.problems.join('\n')).toMatch(/only TP\*PP = 4 GPUs .* --data-parallel-size 2 needs 8/)
  })

  it('TP not dividing the heads is named', () => {
    expect(placeDeployPlan(plan('-tp', '3'), 8, { model: QWQ }).problems.join('\n')).toMatch(/TP 3 does not divide the 40 attention heads/)
  })

  it('honours the node cap (INFERENCE_MAX_INSTANCES) and the default 128', () => {
    expect(placeDeployPlan(plan(), 8, { instanceCap: 3 }).layout).toMatchObject({ instances: 3, idleGpus: 5 })
    expect(instancesOnServer(256, 1)).toBe(128)
    expect(instancesOnServer(8, 16)).toBe(0)
  })
})
