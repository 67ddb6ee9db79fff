/**
 * Pacing probe (not a test; run: `npx tsx test/sim/pacing-probe.ts [--speeds 1,5,10]
 * [--streams 1,16,64] [--tokens 60] [--prompt 500] [--repeat 1] [--model M --hardware H
 * --args "-tp 2 ..."] [--spin-ms x] [--shift-after-ms x] [--shift-after-fraction x] [--catch-up-rate x]`).
 * Bounded: every run is a few seconds of wall time, the default matrix about a minute.
 *
 * For each (speed K, N concurrent streams) it starts the simulator in a CHILD process (as
 * `mlnode-bench sim` / vitest's globalSetup run it apart from the client), deploys
 * Llama-3.1-8B TP1 on 1xh100-sxm (or --model/--hardware/--args), sends N identical streaming chat requests at once and stamps
 * every network read the way src/load does (inside undici's handler callbacks). The child traces
 * each token it writes (SimulatorOptions.trace): the engine's logical time `atS` (the known step
 * schedule), the time it really wrote it, and the request's arrival stamp. So each error is split:
 * - server: real write gaps × K − engine gaps (the clock's own pacing, timeline shifts included);
 * - client: measured gap × K − engine gap (everything: pacing, socket, client, scheduler).
 * Figures are simulated ms; "burst" = gaps measured under half their engine value.
 */
import { readFileSync } from 'node:fs'
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks'
import { createInterface } from 'node:readline'
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { Pool, request, type Dispatcher } from 'undici'
import { SseParser } from '../../src/load/sse.js'
import { latenessBetween, startSimulator, type ClockLateness, type TokenTraceEvent } from '../../src/sim/index.js'

/** The deployment under test; `--model/--hardware/--args` pick a bench-like one instead. */
interface Target {
  model: string
  hardware: string
  args: string[]
}

/** ns this process spent runnable but waiting for a CPU (Linux /proc/self/schedstat, field 2). */
function runQueueWaitMs(): number {
  try {
    return Number(readFileSync('/proc/self/schedstat', 'utf8').split(' ')[1]) / 1e6
  } catch {
    return Number.NaN
  }
}

/** Child: the simulator with a token trace kept in memory; `dump` on stdin prints and clears it. */
async function serve(speed: number, hardware: string, clockOptions: { spinMs?: number; shiftAfterMs?: number; shiftAfterFraction?: number; catchUpRate?: number }): Promise<void> {
  let trace: TokenTraceEvent[] = []
  const eld = monitorEventLoopDelay({ resolution: 1 })
  const sim = await startSimulator({ hardware, speed, startupS: 0, staggerS: 0, ...clockOptions, trace: (e) => trace.push(e) })
  console.log(JSON.stringify({ mgmtUrl: sim.mgmtUrl, inferenceUrl: sim.inferenceUrl }))
  let cpu = process.cpuUsage()
  let wall = performance.now()
  let waitMs = runQueueWaitMs()
  let before: ClockLateness = sim.lateness()!
  let gcMs = 0
  let gcMaxMs = 0
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      gcMs += e.duration
      gcMaxMs = Math.max(gcMaxMs, e.duration)
    }
  }).observe({ entryTypes: ['gc'] })
  for await (const line of createInterface({ input: process.stdin })) {
    if (line === 'mark') {
      trace = []
      cpu = process.cpuUsage()
      wall = performance.now()
      waitMs = runQueueWaitMs()
      before = sim.lateness()!
      gcMs = 0
      gcMaxMs = 0
      eld.reset()
      eld.enable()
      console.log(JSON.stringify({ marked: true }))
    } else if (line === 'dump') {
      eld.disable()
      const used = process.cpuUsage(cpu)
      const wallMs = performance.now() - wall
      console.log(JSON.stringify({ trace, lateness: latenessBetween(before, sim.lateness()!), cpuShare: (used.user + used.system) / 1000 / wallMs, eldP50Ms: eld.percentile(50) / 1e6, eldP99Ms: eld.percentile(99) / 1e6, eldMaxMs: eld.max / 1e6, runQueueWaitMs: runQueueWaitMs() - waitMs, wallMs, gcMs, gcMaxMs }))
      trace = []
    } else if (line === 'quit') break
  }
  await sim.close()
  process.exit(0)
}

interface ClientStream {
  responseId: string
  sentAtMs: number
  /** One stamp per content event (events of one read share it, as in src/load). */
  contentAtMs: number[]
}

function stream(pool: Dispatcher, body: string): Promise<ClientStream> {
  return new Promise((resolve, reject) => {
    const out: ClientStream = { responseId: '', sentAtMs: 0, contentAtMs: [] }
    let stampMs = 0
    const parser = new SseParser({
      onEvent(data) {
        if (data === '[DONE]') return
        const event = JSON.parse(data) as { id: string; choices: Array<{ delta?: { content?: string } }> }
        out.responseId = event.id
        if ((event.choices[0]?.delta?.content ?? '') !== '') out.contentAtMs.push(stampMs)
      },
    })
    pool.dispatch(
      { path: '/v1/chat/completions', method: 'POST', headers: { 'content-type': 'application/json' }, body },
      {
        onRequestStart() {
          out.sentAtMs = performance.now()
        },
        onResponseStart() {},
        onResponseData(_c, chunk) {
          stampMs = performance.now()
          parser.push(chunk)
        },
        onResponseEnd() {
          resolve(out)
        },
        onResponseError(_c, error) {
          reject(error)
        },
      },
    )
  })
}

interface Stats {
  p50: number
  p90: number
  mean: number
}
function stats(xs: number[]): Stats {
  if (xs.length === 0) return { p50: Number.NaN, p90: Number.NaN, mean: Number.NaN }
  const s = [...xs].sort((a, b) => a - b)
  const q = (p: number): number => s[Math.min(s.length - 1, Math.floor(p * s.length))]!
  return { p50: q(0.5), p90: q(0.9), mean: xs.reduce((a, b) => a + b, 0) / xs.length }
}

interface ChildIo {
  send(line: string): Promise<any>
  kill(): void
}

async function startChild(speed: number, extra: string[]): Promise<{ urls: { mgmtUrl: string; inferenceUrl: string }; io: ChildIo }> {
  const self = fileURLToPath(import.meta.url)
  // PACING_PROBE_CPU_PROF=<dir>: V8 CPU profile of the simulator child (where its time goes).
  const prof = process.env.PACING_PROBE_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.PACING_PROBE_CPU_PROF}`] : []
  // PACING_PROBE_DETACHED=1: the simulator in its own session (setsid), hence its own Linux
  // autogroup: the scheduler then shares CPU between it and the client's session as groups.
  const detached = process.env.PACING_PROBE_DETACHED === '1'
  const child = spawn(process.execPath, [...prof, '--import', 'tsx', self, '--serve', '--speed', String(speed), ...extra], { stdio: ['pipe', 'pipe', 'inherit'], detached })
  const lines = createInterface({ input: child.stdout })
  const waiting: Array<(v: any) => void> = []
  lines.on('line', (l) => waiting.shift()?.(JSON.parse(l)))
  const next = (): Promise<any> => new Promise((r) => waiting.push(r))
  const urls = await next()
  return {
    urls,
    io: {
      send(line) {
        const answer = next()
        child.stdin.write(`${line}\n`)
        return answer
      },
      kill() {
        child.stdin.end('quit\n')
      },
    },
  }
}

interface RunFigures {
  speed: number
  streams: number
  gaps: number
  ttftErr: Stats
  ttftErrPct: Stats
  tpotErrPct: Stats
  itlErr: Stats
  itlAbsErr: Stats
  itlServerErr: Stats
  measuredItl: Stats
  engineItl: Stats
  burstShare: number
  writeLateSim: Stats
  clockLateMeanMs: number
  clockLateMaxMs: number
  driftShare: number
  cpuShare: number
  eldP99Ms: number
  runQueueWaitMs: number
  wallMs: number
  gcMs: number
  gcMaxMs: number
  clientCpuShare: number
  clientRunQueueWaitMs: number
}

async function runOnce(io: ChildIo, inferenceUrl: string, model: string, speed: number, streams: number, tokens: number, promptTokens: number): Promise<RunFigures> {
  const pool = new Pool(inferenceUrl, { connections: streams })
  const body = JSON.stringify({ model, messages: [{ role: 'user', content: 'ab '.repeat(promptTokens) }], max_tokens: tokens, ignore_eos: true, stream: true })
  // Warm-up: JIT and keep-alive connections, then a clean trace.
  await Promise.all(Array.from({ length: streams }, () => stream(pool, JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }], max_tokens: 3, ignore_eos: true, stream: true }))))
  await io.send('mark')
  const clientWait0 = runQueueWaitMs()
  const clientCpu0 = process.cpuUsage()
  const clientT0 = performance.now()
  const client = await Promise.all(Array.from({ length: streams }, () => stream(pool, body)))
  const clientWallMs = performance.now() - clientT0
  const clientWaitMs = runQueueWaitMs() - clientWait0
  const clientCpu = process.cpuUsage(clientCpu0)
  const dump = (await io.send('dump')) as { trace: TokenTraceEvent[]; lateness: { meanMs: number; maxMs: number; driftShare: number }; cpuShare: number; eldP99Ms: number; runQueueWaitMs: number; wallMs: number; gcMs: number; gcMaxMs: number }
  await pool.close()
  const byId = new Map<string, TokenTraceEvent[]>()
  for (const e of dump.trace) {
    const list = byId.get(e.responseId) ?? []
    list.push(e)
    byId.set(e.responseId, list)
  }
  const ttftErr: number[] = []
  const ttftErrPct: number[] = []
  const itlErr: number[] = []
  const itlServerErr: number[] = []
  const measured: number[] = []
  const engine: number[] = []
  const writeLate: number[] = []
  const tpotErrPct: number[] = []
  for (const [n, c] of client.entries()) {
    const t = byId.get(c.responseId)
    if (t === undefined || t.length !== c.contentAtMs.length) throw new Error(`trace/client mismatch for ${c.responseId}: ${t?.length} vs ${c.contentAtMs.length}`)
    const expectedTtftMs = (t[0]!.atS - t[0]!.arrivalS) * 1000
    const ttftMs = (c.contentAtMs[0]! - c.sentAtMs) * speed
    ttftErr.push(ttftMs - expectedTtftMs)
    ttftErrPct.push((100 * (ttftMs - expectedTtftMs)) / expectedTtftMs)
    for (const e of t) writeLate.push((e.writtenS - e.atS) * 1000)
    if (n === 0 && process.env.PACING_PROBE_DETAIL) {
      // One stream in detail (simulated ms): engine gap, server write gap, client gap.
      const row = (i: number): string => `${((t[i]!.atS - t[i - 1]!.atS) * 1000).toFixed(1)}/${((t[i]!.writtenRealMs - t[i - 1]!.writtenRealMs) * speed).toFixed(1)}/${((c.contentAtMs[i]! - c.contentAtMs[i - 1]!) * speed).toFixed(1)}`
      console.error(`stream 0 (engine/written/client gaps): TTFT engine ${((t[0]!.atS - t[0]!.arrivalS) * 1000).toFixed(1)} written ${((t[0]!.writtenS - t[0]!.arrivalS) * 1000).toFixed(1)} client ${((c.contentAtMs[0]! - c.sentAtMs) * speed).toFixed(1)} | ${t.slice(1).map((_, i) => row(i + 1)).join(' ')}`)
    }
    // TPOT (first → last token) as the client maps it back, vs the engine.
    const engineDecodeMs = (t[t.length - 1]!.atS - t[0]!.atS) * 1000
    if (t.length > 1) tpotErrPct.push((100 * ((c.contentAtMs[c.contentAtMs.length - 1]! - c.contentAtMs[0]!) * speed - engineDecodeMs)) / engineDecodeMs)
    for (let i = 1; i < t.length; i++) {
      const engineMs = (t[i]!.atS - t[i - 1]!.atS) * 1000
      const gotMs = (c.contentAtMs[i]! - c.contentAtMs[i - 1]!) * speed
      engine.push(engineMs)
      measured.push(gotMs)
      itlErr.push(gotMs - engineMs)
      // Real write gaps × K: they include the clock's timeline shifts (simulated ones would not).
      itlServerErr.push((t[i]!.writtenRealMs - t[i - 1]!.writtenRealMs) * speed - engineMs)
    }
  }
  return {
    speed,
    streams,
    gaps: itlErr.length,
    ttftErr: stats(ttftErr),
    ttftErrPct: stats(ttftErrPct),
    tpotErrPct: stats(tpotErrPct),
    itlErr: stats(itlErr),
    itlAbsErr: stats(itlErr.map(Math.abs)),
    itlServerErr: stats(itlServerErr.map(Math.abs)),
    measuredItl: stats(measured),
    engineItl: stats(engine),
    burstShare: measured.filter((m, i) => m < 0.5 * engine[i]!).length / measured.length,
    writeLateSim: stats(writeLate),
    clockLateMeanMs: dump.lateness.meanMs,
    clockLateMaxMs: dump.lateness.maxMs,
    driftShare: dump.lateness.driftShare,
    cpuShare: dump.cpuShare,
    eldP99Ms: dump.eldP99Ms,
    runQueueWaitMs: dump.runQueueWaitMs,
    wallMs: dump.wallMs,
    gcMs: dump.gcMs,
    gcMaxMs: dump.gcMaxMs,
    clientCpuShare: (clientCpu.user + clientCpu.system) / 1000 / clientWallMs,
    clientRunQueueWaitMs: clientWaitMs,
  }
}

const f = (x: number, d = 1): string => (Number.isNaN(x) ? '-' : x.toFixed(d))

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { serve: { type: 'boolean' }, speed: { type: 'string' }, speeds: { type: 'string' }, streams: { type: 'string' }, tokens: { type: 'string' }, prompt: { type: 'string' }, repeat: { type: 'string' }, model: { type: 'string' }, hardware: { type: 'string' }, args: { type: 'string' }, 'spin-ms': { type: 'string' }, 'shift-after-ms': { type: 'string' }, 'shift-after-fraction': { type: 'string' }, 'catch-up-rate': { type: 'string' }, json: { type: 'boolean' } } })
  const clockArgs = [...(values['spin-ms'] === undefined ? [] : ['--spin-ms', values['spin-ms']]), ...(values['shift-after-ms'] === undefined ? [] : ['--shift-after-ms', values['shift-after-ms']]), ...(values['shift-after-fraction'] === undefined ? [] : ['--shift-after-fraction', values['shift-after-fraction']]), ...(values['catch-up-rate'] === undefined ? [] : ['--catch-up-rate', values['catch-up-rate']])]
  const target: Target = { model: values.model ?? 'meta-llama/Llama-3.1-8B', hardware: values.hardware ?? '1xh100-sxm', args: values.args === undefined ? [] : values.args.split(' ').filter((a) => a !== '') }
  if (values.serve) return serve(Number(values.speed ?? 1), target.hardware, { ...(values['spin-ms'] === undefined ? {} : { spinMs: Number(values['spin-ms']) }), ...(values['shift-after-ms'] === undefined ? {} : { shiftAfterMs: Number(values['shift-after-ms']) }), ...(values['shift-after-fraction'] === undefined ? {} : { shiftAfterFraction: Number(values['shift-after-fraction']) }), ...(values['catch-up-rate'] === undefined ? {} : { catchUpRate: Number(values['catch-up-rate']) }) })
  const speeds = (values.speeds ?? '1,5,10').split(',').map(Number)
  const streamCounts = (values.streams ?? '1,16,64').split(',').map(Number)
  const tokens = Number(values.tokens ?? 60)
  const promptTokens = Number(values.prompt ?? 500)
  const repeat = Number(values.repeat ?? 1)
  console.log(`pacing probe: ${target.model} [${target.args.join(' ')}] on ${target.hardware}, ${promptTokens}-token prompt, ${tokens} tokens, ignore_eos; simulated ms (measured × K)`)
  console.log('speed streams gaps | engine ITL p50 p90 | measured ITL p50 p90 | ITL err p50 p90 (|err| p50 p90) | server gap |err| p50 p90 | burst% | TTFT err ms p50 (%) | TPOT err% p50 | write late p50 p90 | clock late mean/max real ms, stall share | cpu eld99 | sim wall, runq-wait, gc total/max real ms | client cpu, runq-wait')
  for (const speed of speeds) {
    const { urls, io } = await startChild(speed, [...clockArgs, '--hardware', target.hardware])
    await request(`${urls.mgmtUrl}/api/v1/inference/up`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: target.model, dtype: 'bfloat16', additional_args: target.args }) }).then((r) => r.body.text())
    // Every replica healthy (start-up and stagger are 0 in the child).
    await new Promise((r) => setTimeout(r, 100))
    for (const streams of streamCounts) {
      for (let r = 0; r < repeat; r++) {
        const x = await runOnce(io, urls.inferenceUrl, target.model, speed, streams, tokens, promptTokens)
        if (values.json) {
          console.log(JSON.stringify(x))
          continue
        }
        console.log(
          `${String(speed).padStart(5)} ${String(streams).padStart(7)} ${String(x.gaps).padStart(5)} | ${f(x.engineItl.p50, 2).padStart(6)} ${f(x.engineItl.p90, 2)} | ${f(x.measuredItl.p50, 2)} ${f(x.measuredItl.p90, 2)} | ${f(x.itlErr.p50, 2)} ${f(x.itlErr.p90, 2)} (${f(x.itlAbsErr.p50, 2)} ${f(x.itlAbsErr.p90, 2)}) | ${f(x.itlServerErr.p50, 2)} ${f(x.itlServerErr.p90, 2)} | ${f(100 * x.burstShare, 0)}% | ${f(x.ttftErr.p50, 2)} (${f(x.ttftErrPct.p50, 1)}%) | ${f(x.tpotErrPct.p50, 1)}% | ${f(x.writeLateSim.p50, 2)} ${f(x.writeLateSim.p90, 2)} | ${f(x.clockLateMeanMs, 3)}/${f(x.clockLateMaxMs, 2)} ${f(100 * x.driftShare, 1)}% | ${f(x.cpuShare, 2)} ${f(x.eldP99Ms, 2)} | ${f(x.wallMs, 0)} ${f(x.runQueueWaitMs, 1)} ${f(x.gcMs, 1)}/${f(x.gcMaxMs, 2)} | ${f(x.clientCpuShare, 2)} ${f(x.clientRunQueueWaitMs, 1)}`,
        )
      }
    }
    io.kill()
  }
}

await main()
