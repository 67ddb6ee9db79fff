import { describe, expect, it } from 'vitest'
import { hasCode } from '../../src/errors.js'
import { resolveSimulatorOptions, slowdownFromEnv } from '../../src/sim/options.js'
import { drawOutputTokens, estimateTokens } from '../../src/sim/text.js'
import { getJson, startTestSim, up } from './helpers.js'

describe('simulator options', () => {
  it('reads MLNODE_SIM_SLOWDOWN, and rejects a bad value naming it', () => {
    expect(slowdownFromEnv({})).toBe(1)
    expect(slowdownFromEnv({ MLNODE_SIM_SLOWDOWN: '1.25' })).toBe(1.25)
    let error: unknown
    try {
      slowdownFromEnv({ MLNODE_SIM_SLOWDOWN: 'slow' })
    } catch (e) {
      error = e
    }
    expect(hasCode(error, 'MLNB_CONFIG')).toBe(true)
    expect((error as Error).message).toContain('MLNODE_SIM_SLOWDOWN must be a number > 0, got "slow"')
    expect(() => resolveSimulatorOptions({ speed: 0 })).toThrow(/speed must be a finite number > 0/)
    expect(() => resolveSimulatorOptions({ posingAsReal: true, clock: 'virtual' })).toThrow(/posingAsReal = true needs the wall clock/)
  })

  it('applies defaults once', () => {
    const o = resolveSimulatorOptions({ slowdown: 1 })
    expect(o).toMatchObject({ hardware: '8xrtx-4070-ti-super', speed: 1, clock: 'wall', host: '127.0.0.1', mgmtPort: 0, inferencePort: 0, seed: 0, slowdown: 1, posingAsReal: false })
    expect(o.timings).toEqual({ startupS: 45, staggerS: 5, failAfterS: 20, interruptFailS: 3, unhealthyS: 30, freezeS: 35, restartS: 15 })
  })

  it('slowdown stretches start-up (virtual clock: elapsed is exact)', async () => {
    const sim = await startTestSim({ clock: 'virtual', startupS: 10, slowdown: 3 })
    await up(sim, 'test/model', ['-tp', '8']) // one replica: no staggered ones move the clock on
    const status = (await getJson(`${sim.mgmtUrl}/api/v1/inference/up/status`)).body
    expect(status).toMatchObject({ status: 'completed', elapsed_seconds: 30 })
  })
})

describe('token heuristics', () => {
  it('counts ~2 bytes per token and draws EOS deterministically', () => {
    expect(estimateTokens('ab'.repeat(1000))).toBe(1000)
    expect(estimateTokens('')).toBe(0)
    const draw = { maxTokens: 1000, key: 'k', seed: 1, ignoreEos: false, eosPerToken: 0.01 }
    expect(drawOutputTokens(draw)).toEqual(drawOutputTokens(draw))
    expect(drawOutputTokens({ ...draw, ignoreEos: true })).toEqual({ tokens: 1000, finishReason: 'length' })
    expect(drawOutputTokens({ ...draw, eosPerToken: 1, minTokens: 7 })).toEqual({ tokens: 7, finishReason: 'stop' })
    // Over many keys the early stops follow the hazard: P(stop before 1000) = 1 - 0.99^1000 ≈ 1.
    const stops = Array.from({ length: 200 }, (_, i) => drawOutputTokens({ ...draw, key: `k${i}` })).filter((d) => d.finishReason === 'stop')
    expect(stops.length).toBeGreaterThan(190)
  })
})
