import { describe, expect, it } from 'vitest'
import { hasCode } from '../../src/errors.js'
import { selectTarget } from '../../src/run/select-target.js'

describe('selectTarget', () => {
  it('defaults to the embedded simulator, a real MLNode when MLNODE_URL is set', () => {
    expect(selectTarget({}).kind).toBe('simulated')
    const mlnode = selectTarget({ MLNODE_URL: 'http://user:secret@gpu-box:8080' })
    expect(mlnode).toMatchObject({ kind: 'mlnode', mgmtUrl: 'http://user:secret@gpu-box:8080' })
    expect(mlnode.banner).not.toContain('secret')
  })

  it('takes the OpenAI target with its key variable, never the key', () => {
    const choice = selectTarget({ MLNODE_BENCH_TARGET: 'openai', INFERENCE_URL: 'http://127.0.0.1:8000', MY_KEY: 'sk-123', MLNODE_BENCH_API_KEY_ENV: 'MY_KEY' })
    expect(choice).toMatchObject({ kind: 'openai', inferenceUrl: 'http://127.0.0.1:8000', apiKeyEnv: 'MY_KEY' })
    expect(JSON.stringify(choice)).not.toContain('sk-123')
  })

  it.each([
    [{ MLNODE_BENCH_TARGET: 'gpu' }, 'MLNODE_BENCH_TARGET="gpu"'],
    [{ MLNODE_BENCH_TARGET: 'openai' }, 'INFERENCE_URL'],
    [{ MLNODE_BENCH_TARGET: 'mlnode' }, 'MLNODE_URL'],
    [{ MLNODE_SIM_SPEED: '10' }, 'MLNODE_SIM_SPEED="10"'],
    [{ MLNODE_SIM_NOISE_CV: '2' }, 'MLNODE_SIM_NOISE_CV="2"'],
    [{ MLNODE_SIM_SEED: '-1' }, 'MLNODE_SIM_SEED="-1"'],
    [{ MLNODE_SIM_RUN_NOISE: '1' }, 'MLNODE_SIM_RUN_NOISE="1"'],
  ])('refuses %o naming the variable and value', (env, named) => {
    let error: unknown
    try {
      selectTarget(env)
    } catch (e) {
      error = e
    }
    expect(hasCode(error, 'MLNB_CONFIG')).toBe(true)
    expect((error as Error).message).toContain(named)
  })

  it('passes the simulator settings to the fleet', () => {
    const choice = selectTarget({ MLNODE_SIM_NOISE_CV: '0.05', MLNODE_SIM_SEED: '7', MLNODE_SIM_RUN_NOISE: '0.03' })
    expect(choice).toMatchObject({ kind: 'simulated', fleet: { noiseCv: 0.05, runNoise: 0.03, seed: 7, slowdown: 1 } })
    expect(choice.banner).toContain('step noise 0.05')
    expect(choice.banner).toContain('run noise 0.03')
  })
})
