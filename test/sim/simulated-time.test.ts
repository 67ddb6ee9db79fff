/**
 * The simulated-time protocol end to end: the load client against the HTTP simulator on its
 * virtual clock. The measurement must be a function of the inputs only: the same numbers on every
 * run, whatever this machine is doing meanwhile, and the same as `simulateRequests` (predict),
 * which runs the same engine with no sockets.
 */
import { describe, expect, it } from 'vitest'
import { runWorkload } from '../../src/load/index.js'
import type { WorkloadSpec } from '../../src/contracts/workload.js'
import type { RequestRecord } from '../../src/contracts/records.js'
import { simulateRequests } from '../../src/sim/index.js'
import { startTestSim, up, waitFor, getJson } from './helpers.js'
import { testPlan } from './plan.js'

async function deployedSim(args: string[], noiseCv = 0) {
  // Always EOS-free (eosPerToken 0): output lengths are max_tokens, as simulateRequests takes them.
  const sim = await startTestSim({ clock: 'virtual', eosPerToken: 0, noiseCv })
  expect((await up(sim, 'test/model', args)).status).toBe(200)
  await waitFor(async () => ((await getJson(`${sim.inferenceUrl}/health`)).status === 200 ? true : undefined), 'health')
  return sim
}

/** The times of the measured records, rounded to the µs as they travel. */
function timesOf(records: readonly RequestRecord[]) {
  return records.filter((r) => !r.warmup).map((r) => ({ sent: r.sentAtMs, first: r.firstChunkAtMs, end: r.endAtMs, chunks: r.contentChunkAtMs.length, failure: r.failure?.message }))
}

/** Keeps the event loop of this (client) process busy in bursts, as a loaded machine would. */
function hog(): () => void {
  let on = true
  const burn = (): void => {
    if (!on) return
    const until = performance.now() + 15
    while (performance.now() < until) {
      // busy: the client's reads and stamps wait behind this
    }
    setTimeout(burn, 2)
  }
  burn()
  return () => {
    on = false
  }
}

const closedLoop: WorkloadSpec = { name: 'closed', requests: 24, concurrency: 6, warmupRequests: 2, prompt: { tokens: 300 }, maxTokens: 40 }
const openLoop: WorkloadSpec = { name: 'open', requests: 20, arrival: { ratePerS: 30, maxConcurrency: 8 }, prompt: { tokens: 200 }, maxTokens: 30 }

describe('simulated time over HTTP', () => {
  it.each([closedLoop, openLoop])('gives the same records on every run, loaded or not ($name)', async (spec) => {
    const sim = await deployedSim(['-tp', '4'])
    const target = { baseUrl: sim.inferenceUrl, model: 'test/model' }
    const quiet = await runWorkload(target, spec, { simulatedTime: true })
    const stop = hog()
    const loaded = await runWorkload(target, spec, { simulatedTime: true }).finally(stop)
    expect(quiet.records.filter((r) => r.failure)).toEqual([])
    expect(timesOf(loaded.records)).toEqual(timesOf(quiet.records))
    expect(loaded.endedAtMs).toBe(quiet.endedAtMs)
    expect(quiet.startedAtMs).toBe(0)
  })

  it('equals simulateRequests on the same schedule (closed and open loop)', async () => {
    const sim = await deployedSim(['-tp', '4'])
    const target = { baseUrl: sim.inferenceUrl, model: 'test/model' }
    for (const spec of [closedLoop, openLoop]) {
      const run = await runWorkload(target, { ...spec, warmupRequests: 0 }, { simulatedTime: true })
      const measured = run.records.map((r) => ({ index: r.index, sent: r.sentAtMs, end: r.endAtMs }))
      // 8 GPUs / TP4 = 2 instances of the same plan the test planner gives; prompt tokens as the server counted them.
      const predicted = simulateRequests({
        plan: testPlan({ tp: 4, pp: 1, maxModelLen: 8192 }),
        instances: 2,
        concurrency: spec.arrival?.maxConcurrency ?? spec.concurrency ?? 1,
        requests: run.records.map((r) => ({ promptTokens: r.promptTokens, outputTokens: spec.maxTokens, arrivalS: r.scheduledAtMs / 1000 })),
      })
      const round = (ms: number) => Math.round(ms * 1000) / 1000
      expect(measured).toEqual(predicted.map((p, index) => ({ index, sent: round(p.sentAtMs), end: round(p.endAtMs) })))
    }
  })

  it('varies with the noise seed only: same seed same numbers, another seed other numbers', async () => {
    const runOnce = async (seed: number) => {
      const sim = await startTestSim({ clock: 'virtual', eosPerToken: 0, noiseCv: 0.05, seed })
      expect((await up(sim, 'test/model', ['-tp', '8'])).status).toBe(200)
      await waitFor(async () => ((await getJson(`${sim.inferenceUrl}/health`)).status === 200 ? true : undefined), 'health')
      const run = await runWorkload({ baseUrl: sim.inferenceUrl, model: 'test/model' }, closedLoop, { simulatedTime: true })
      await sim.close()
      return timesOf(run.records)
    }
    const a = await runOnce(1)
    expect(await runOnce(1)).toEqual(a)
    expect(await runOnce(2)).not.toEqual(a)
  })

  it('skips requests admitted after the duration bound, in simulated time', async () => {
    const sim = await deployedSim(['-tp', '8'])
    const spec: WorkloadSpec = { name: 'bounded', requests: 50, concurrency: 1, durationS: 0.5, prompt: { tokens: 100 }, maxTokens: 20 }
    const run = await runWorkload({ baseUrl: sim.inferenceUrl, model: 'test/model' }, spec, { simulatedTime: true })
    expect(run.records.length).toBeGreaterThan(0)
    expect(run.records.length).toBeLessThan(50)
    expect(run.records.every((r) => r.failure === undefined && r.sentAtMs < 500)).toBe(true)
  })

  it('a client that aborts its workload releases the clock at once: the next session runs', async () => {
    // Without the release, the aborted session would hold the clock for sessionWaitS (10 min): the test would time out.
    const sim = await startTestSim({ clock: 'virtual', eosPerToken: 0, sessionWaitS: 600 })
    expect((await up(sim, 'test/model', ['-tp', '8'])).status).toBe(200)
    await waitFor(async () => ((await getJson(`${sim.inferenceUrl}/health`)).status === 200 ? true : undefined), 'health')
    const target = { baseUrl: sim.inferenceUrl, model: 'test/model' }
    const stop = new AbortController()
    const long: WorkloadSpec = { name: 'long', requests: 400, concurrency: 4, prompt: { tokens: 100 }, maxTokens: 200 }
    const aborted = await runWorkload(target, long, { simulatedTime: true, signal: stop.signal, onRequestDone: () => stop.abort() })
    expect(aborted.records.some((r) => r.failure?.reason === 'aborted')).toBe(true)
    const next = await runWorkload(target, closedLoop, { simulatedTime: true })
    expect(next.records.filter((r) => r.failure)).toEqual([])
    expect(next.records).toHaveLength(closedLoop.requests + closedLoop.warmupRequests!)
  }, 60_000)
})
