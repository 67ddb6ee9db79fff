/**
 * The wall-clock speed mapping of `mlnode-bench sim --speed K`, measured over HTTP (a benchmark
 * that prints its figures: npm run bench:speed-accuracy). Bench runs do not use it: they run on
 * simulated time (src/protocol/sim-sync.ts). A lone request on an idle engine has an
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
 * K ≤ 2 for TTFT ≥ 100 ms, K ≤ 10 for TTFT ≥ 1 s). It prints all three views, and the
 * error once each request's transport term (the round-trip of a trivial request on the same
 * connection just before it) is removed.
 */
import { request } from 'undici'
import { latenessBetween, startSimulator, type SimulatorOptions } from '../../src/sim/index.js'
import { testPlanner, testStepCostS } from '../sim/plan.js'

const startTestSim = (options: SimulatorOptions) => startSimulator({ resolveVariant: testPlanner, ...options })
const up = (sim: { mgmtUrl: string }) =>
  request(`${sim.mgmtUrl}/api/v1/inference/up`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'test/model', dtype: 'float16', additional_args: [] }) }).then((r) => r.body.dump())

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

// 900 prompt tokens → one 100 ms prefill step under the test plan.
const rows = []
for (const speed of [1, 2, 5, 10]) rows.push(await measure(speed, 900, 10))
console.log(`TTFT ${rows[0]!.expectedMs.toFixed(1)} ms simulated, lone requests over loopback HTTP (undici), wall clock at speed K:`)
for (const r of rows) {
  console.log(`  speed ${String(r.speed).padStart(2)}: error median ${pct(r.medianErr)} max |${pct(r.maxErr)}| · vs a real server ${pct(r.medianExcess)} · without transport ${pct(r.medianResidual)} · loopback RTT ${r.rttMs.toFixed(2)} ms (= ${pct((r.rttMs * r.speed) / r.expectedMs)} after ×speed) · clock lateness mean ${r.lateMeanMs.toFixed(3)} ms max ${r.lateMaxMs.toFixed(2)} ms, ${r.shifts} timeline shifts (${r.driftMs.toFixed(2)} ms)`)
}
console.log('Target: |error without transport| < 2 % at speed ≤ 2 (2 % of 100 ms is 1 real ms, this machine\'s scheduling noise). Bench runs use simulated time instead (exact).')
