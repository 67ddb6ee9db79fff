/**
 * The wall-clock speed mapping, measured over HTTP. A lone request on an idle engine has an
 * exactly known simulated TTFT (one prefill step of the test plan). A client times it the way
 * the load engine does (performance.now() before the request, at the first content chunk) and
 * the measured time × speed is compared with the simulated value.
 *
 * The error has two parts: the simulator's own pacing (timer lateness and timeline shifts after
 * stalls, reported by the clock for the measured window)
 * and the client + loopback overhead ε that any HTTP measurement carries (it is there against a
 * real vLLM too) and that the mapping multiplies by the speed: measured × K = TTFT + K·ε.
 * Against a real server with that TTFT the same client would measure TTFT + ε, so the excess is
 * (K − 1)·ε and the speed limit for 2% is K ≤ 1 + 0.02·TTFT/ε (ε ≈ 1–2 ms on this machine →
 * K ≤ 2 for TTFT ≥ 100 ms, K ≤ 10 for TTFT ≥ 1 s). The test prints all three views, and checks
 * that once each request's transport term (the round-trip of a trivial request on the same
 * connection just before it) is removed, the mapping holds within 2% up to speed 2.
 */
import { request } from 'undici'
import { describe, expect, it } from 'vitest'
import { latenessBetween } from '../../src/sim/index.js'
import { startTestSim, up } from './helpers.js'
import { testStepCostS } from './plan.js'

async function timeTtftMs(url: string, promptTokens: number): Promise<number> {
  const body = JSON.stringify({ model: 'test/model', prompt: Array.from({ length: promptTokens }, () => 1), max_tokens: 2, ignore_eos: true, stream: true })
  const t0 = performance.now()
  const res = await request(`${url}/v1/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body })
  let ttftMs = Number.NaN
  for await (const chunk of res.body) {
    if (Number.isNaN(ttftMs) && (chunk as Buffer).length > 0) ttftMs = performance.now() - t0
  }
  return ttftMs
}

async function rttMs(url: string): Promise<number> {
  const t0 = performance.now()
  await (await request(`${url}/v1/models`)).body.text()
  return performance.now() - t0
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

async function measure(speed: number, promptTokens: number, n: number) {
  const sim = await startTestSim({ speed, startupS: 0 })
  await up(sim)
  for (let i = 0; i < 3; i++) await timeTtftMs(sim.inferenceUrl, 10) // JIT + keep-alive warm-up
  const before = sim.lateness()!
  const expectedMs = testStepCostS({ prefill: [{ tokens: promptTokens, contextBefore: 0 }], decode: [] }) * 1000
  const errors: number[] = []
  const residuals: number[] = []
  const excess: number[] = []
  const rtts: number[] = []
  for (let i = 0; i < n; i++) {
    const rtt = await rttMs(sim.inferenceUrl)
    const ttftMs = await timeTtftMs(sim.inferenceUrl, promptTokens)
    rtts.push(rtt)
    errors.push((ttftMs * speed - expectedMs) / expectedMs)
    // What is left once this request's own transport term (the RTT just before it) is removed.
    residuals.push(((ttftMs - rtt) * speed - expectedMs) / expectedMs)
    // Against a real server with this TTFT the same client would measure expected + RTT.
    excess.push((ttftMs * speed - (expectedMs + rtt)) / expectedMs)
  }
  const lateness = latenessBetween(before, sim.lateness()!)
  await sim.close()
  return { speed, expectedMs, medianErr: median(errors), maxErr: Math.max(...errors.map(Math.abs)), medianResidual: median(residuals), medianExcess: median(excess), rttMs: median(rtts), lateMeanMs: lateness.meanMs, lateMaxMs: lateness.maxMs, shifts: lateness.shifts, driftMs: lateness.driftMs }
}

const pct = (x: number): string => `${(x * 100).toFixed(2)}%`

describe('wall clock speed mapping (simulated = measured × speed)', () => {
  it('holds TTFT ≥ 100 ms simulated within 2% (speed ≤ 2) once the measured transport term is removed; prints the figures', async () => {
    const rows = []
    // 900 prompt tokens → one 100 ms prefill step under the test plan.
    for (const speed of [1, 2, 5, 10]) rows.push(await measure(speed, 900, 10))
    console.log(`TTFT ${rows[0]!.expectedMs.toFixed(1)} ms simulated, lone requests over loopback HTTP (undici):`)
    for (const r of rows) {
      console.log(`  speed ${String(r.speed).padStart(2)}: error median ${pct(r.medianErr)} max |${pct(r.maxErr)}| · vs a real server ${pct(r.medianExcess)} · without transport ${pct(r.medianResidual)} · loopback RTT ${r.rttMs.toFixed(2)} ms (= ${pct((r.rttMs * r.speed) / r.expectedMs)} after ×speed) · clock lateness mean ${r.lateMeanMs.toFixed(3)} ms max ${r.lateMaxMs.toFixed(2)} ms, ${r.shifts} timeline shifts (${r.driftMs.toFixed(2)} ms)`)
    }
    for (const r of rows) {
      // Never early: the simulator cannot answer before the simulated time.
      expect(r.medianErr).toBeGreaterThan(-0.02)
    }
    // The simulator's own share (pacing) stays within 2% where 2% of 100 ms is still ≥ 1 real ms,
    // above this shared machine's scheduling noise; higher speeds are printed, not asserted.
    for (const r of rows.filter((r) => r.speed <= 2)) expect(Math.abs(r.medianResidual)).toBeLessThan(0.02)
  }, 30_000)
})
