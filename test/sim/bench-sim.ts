/**
 * Prints the simulator's own speed (not a test; run: `npx tsx test/sim/bench-sim.ts`):
 * 1. simulateRequests: wall time to simulate compressa-perf's default config on QwQ-32B TP8;
 * 2. the HTTP simulator in its own process (`mlnode-bench sim`, as vitest's globalSetup runs it
 *    apart from the bench workers): C concurrent streams at speed K, how late its clock ran (its
 *    own pacing error: the difference of two /health snapshots) and the SSE event rate it sustained.
 * Per-gap ITL/TTFT errors against the engine's schedule: test/sim/pacing-probe.ts.
 */
import { execa } from 'execa'
import { fileURLToPath } from 'node:url'
import { request } from 'undici'
import { defaultVariantResolver, latenessBetween, simulateRequests, type ClockLateness } from '../../src/sim/index.js'

const MANDATORY = ['--kv-cache-dtype', 'fp8', '--quantization', 'fp8']

function simulateCompressa(): void {
  const variant = defaultVariantResolver({ model: 'Qwen/QwQ-32B', dtype: 'float16', additionalArgs: [...MANDATORY, '-tp', '8'] }, '8xrtx-4070-ti-super')
  // docs/metrics.md "compressa-perf default benchmark": (prompt tokens ≈ chars / 2, tasks, runners, max_tokens)
  const experiments: Array<[number, number, number, number]> = [[10_000, 5, 1, 300], [1_000, 200, 30, 300], [22_500, 5, 1, 1000], [22_500, 10, 5, 1000], [22_500, 40, 20, 1000], [22_500, 60, 10, 1000]]
  const t0 = performance.now()
  let steps = 0
  for (const [prompt, tasks, runners, maxTokens] of experiments) {
    const recs = simulateRequests({ plan: variant.plan!, instances: variant.instances, requests: Array.from({ length: tasks }, () => ({ promptTokens: prompt, outputTokens: maxTokens })), concurrency: runners })
    steps += recs.reduce((s, r) => s + r.completionTokens, 0)
    const span = Math.max(...recs.map((r) => r.endAtMs)) / 1000
    const ttft = recs.reduce((s, r) => s + (r.firstChunkAtMs! - r.sentAtMs), 0) / recs.length
    console.log(`  compressa ${prompt}x${tasks}/${runners} max ${maxTokens}: span ${span.toFixed(1)} s simulated, mean TTFT ${ttft.toFixed(0)} ms`)
  }
  console.log(`simulateRequests: compressa default config (${steps} output tokens) simulated in ${(performance.now() - t0).toFixed(0)} ms wall`)
}

async function httpLoad(speed: number, streams: number, maxTokens: number): Promise<void> {
  const root = fileURLToPath(new URL('../../', import.meta.url))
  const child = execa('node', ['--import', 'tsx', 'src/cli/main.ts', 'sim', '--speed', String(speed), '--startup-s', '0'], { cwd: root, reject: false })
  const line = await new Promise<string>((resolve) => child.stdout!.once('data', (d: Buffer) => resolve(d.toString())))
  const [, mgmtUrl, inferenceUrl] = /mlnode: (\S+) inference: (\S+)/.exec(line)!
  await request(`${mgmtUrl}/api/v1/inference/up`, { method: 'POST', body: JSON.stringify({ model: 'Qwen/Qwen2.5-7B-Instruct', dtype: 'float16', additional_args: ['--quantization', 'fp8'] }) }).then((r) => r.body.text())
  await new Promise((r) => setTimeout(r, (35 * 1000) / speed + 50)) // all 8 replicas (staggered 5 s) healthy
  const body = JSON.stringify({ model: 'Qwen/Qwen2.5-7B-Instruct', messages: [{ role: 'user', content: 'ab '.repeat(300) }], max_tokens: maxTokens, ignore_eos: true, stream: true })
  const lateness = async (): Promise<ClockLateness> => ((await (await request(`${mgmtUrl}/health`)).body.json()) as { simulator: { lateness: ClockLateness } }).simulator.lateness
  const before = await lateness()
  const t0 = performance.now()
  let chunks = 0
  await Promise.all(Array.from({ length: streams }, async () => {
    const res = await request(`${inferenceUrl}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body })
    for await (const c of res.body) chunks += (c as Buffer).toString().split('\n\n').length - 1
  }))
  const wallS = (performance.now() - t0) / 1000
  // The lateness of this workload only: the difference of two /health snapshots.
  const late = latenessBetween(before, await lateness())
  console.log(`HTTP speed ${speed}, ${streams} streams x ${maxTokens} tokens: ${wallS.toFixed(2)} s wall, ${(chunks / wallS).toFixed(0)} SSE events/s, sim clock lateness mean ${late.meanMs.toFixed(2)} ms max ${late.maxMs.toFixed(1)} ms (${late.overOneMs}/${late.events} events > 1 ms), stalls absorbed ${(100 * late.driftShare).toFixed(1)}% of wall (the run's pacing error)`)
  child.kill('SIGTERM')
  await child
}

simulateCompressa()
/** ITL of a lone stream (Qwen2.5-7B TP2 decode steps) measured at speed K, mapped back (× K). */
async function itlAccuracy(speed: number, tokens: number): Promise<void> {
  const root = fileURLToPath(new URL('../../', import.meta.url))
  const child = execa('node', ['--import', 'tsx', 'src/cli/main.ts', 'sim', '--speed', String(speed), '--startup-s', '0'], { cwd: root, reject: false })
  const line = await new Promise<string>((resolve) => child.stdout!.once('data', (d: Buffer) => resolve(d.toString())))
  const [, mgmtUrl, inferenceUrl] = /mlnode: (\S+) inference: (\S+)/.exec(line)!
  const args = ['--quantization', 'fp8', '-tp', '2']
  await request(`${mgmtUrl}/api/v1/inference/up`, { method: 'POST', body: JSON.stringify({ model: 'Qwen/Qwen2.5-7B-Instruct', dtype: 'float16', additional_args: args }) }).then((r) => r.body.text())
  const plan = defaultVariantResolver({ model: 'Qwen/Qwen2.5-7B-Instruct', dtype: 'float16', additionalArgs: args }, '8xrtx-4070-ti-super').plan!
  const res = await request(`${inferenceUrl}/v1/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'Qwen/Qwen2.5-7B-Instruct', prompt: [1, 2, 3, 4], max_tokens: tokens, ignore_eos: true, stream: true }) })
  const stamps: number[] = []
  let buffered = ''
  for await (const c of res.body) {
    const now = performance.now()
    buffered += (c as Buffer).toString()
    const events = buffered.split('\n\n')
    buffered = events.pop()!
    for (const e of events) if (e.includes('"text"')) stamps.push(now)
  }
  const errors = stamps.slice(1).map((t, i) => {
    const expectedMs = plan.stepCost({ prefill: [], decode: [{ contextLen: 4 + i + 1 }] }) * 1000
    return ((t - stamps[i]!) * speed - expectedMs) / expectedMs
  })
  const mean = errors.reduce((a, b) => a + b, 0) / errors.length
  const sorted = errors.map(Math.abs).sort((a, b) => a - b)
  console.log(`ITL speed ${speed} (${(plan.stepCost({ prefill: [], decode: [{ contextLen: 10 }] }) * 1000).toFixed(1)} ms simulated steps): mean error ${(mean * 100).toFixed(2)}%, median |${(sorted[Math.floor(sorted.length / 2)]! * 100).toFixed(1)}%|, p90 |${(sorted[Math.floor(sorted.length * 0.9)]! * 100).toFixed(1)}%|`)
  child.kill('SIGTERM')
  await child
}

for (const speed of [1, 10]) await itlAccuracy(speed, 200)
for (const [speed, streams] of [[1, 64], [1, 256], [10, 64], [10, 256]] as const) await httpLoad(speed, streams, 100)
