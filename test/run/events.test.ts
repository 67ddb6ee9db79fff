/**
 * The run core only emits (src/run/events.ts): a tiny workload on the simulator (simulated time,
 * real loopback HTTP) tells its deploy, requests and verdict as events in order, and with no
 * subscriber nothing reaches the terminal. The console subscriber words each event as the run
 * core printed it before the events existed.
 */
import { afterEach, describe, expect, it, onTestFinished, vi } from 'vitest'
import { parseVllmArgs, planDeploy } from '../../src/args/index.js'
import type { RequestRecord } from '../../src/contracts/records.js'
import { attachConsole } from '../../src/run/console-subscriber.js'
import { RunEvents, type RunEventMap, type RunEventName } from '../../src/run/events.js'
import { MlnodeTarget } from '../../src/run/mlnode-target.js'
import { runBench } from '../../src/run/run-bench.js'
import { resolveSuiteOptions } from '../../src/run/suite-options.js'
import type { DeployRequest } from '../../src/run/target.js'
import { startTestSim } from '../sim/helpers.js'

const MODEL = 'test/model'
const NAMES: RunEventName[] = ['note', 'warning', 'deploy-started', 'deploy-phase', 'deploy-capped', 'deploy-ready', 'deploy-failed', 'workload-started', 'request-sent', 'request-settled', 'workload-finished', 'workload-verdict']

/** Every event of `events`, in order. */
function recorded(events: RunEvents): Array<{ [K in RunEventName]: { name: K; event: RunEventMap[K] } }[RunEventName]> {
  const seen: Array<{ name: RunEventName; event: unknown }> = []
  for (const name of NAMES) events.on(name, (event) => seen.push({ name, event }))
  return seen as never
}

/** What reached this process's stdout and stderr, and its console, meanwhile. */
function captureTerminal(): string[] {
  const written: string[] = []
  const keep = (chunk: unknown) => (written.push(String(chunk)), true)
  vi.spyOn(process.stdout, 'write').mockImplementation(keep)
  vi.spyOn(process.stderr, 'write').mockImplementation(keep)
  for (const method of ['log', 'info', 'warn', 'error'] as const) vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void written.push(args.join(' ')))
  return written
}
afterEach(() => vi.restoreAllMocks())

async function tinyRun(events: RunEvents) {
  const sim = await startTestSim({ clock: 'virtual', eosPerToken: 0 })
  const target = new MlnodeTarget({ mgmtUrl: sim.mgmtUrl, inferenceUrl: sim.inferenceUrl }, events)
  onTestFinished(() => target.close())
  const args = ['-tp', '1']
  const request: DeployRequest = { model: MODEL, dtype: 'float16', variant: { name: 'tp1', ...planDeploy(MODEL, parseVllmArgs(args)) }, deployTimeoutS: 30 }
  const suite = resolveSuiteOptions({ model: MODEL, mandatoryArgs: [], variants: { tp1: args }, workloads: [] })
  const spec = { name: 'chat', requests: 4, concurrency: 2, warmupRequests: 1, prompt: { tokens: 50 }, maxTokens: 4 }
  return runBench({ suite, source: 'bench.ts', targetKind: 'simulated', request, spec, target, events })
}

describe('run events', () => {
  it('a tiny simulated workload tells deploy, requests and verdict in order, and writes nothing without a subscriber', async () => {
    const events = new RunEvents()
    const seen = recorded(events)
    const written = captureTerminal()
    const outcome = await tinyRun(events)
    vi.restoreAllMocks()
    expect(outcome.error).toBeUndefined()
    expect(written).toEqual([])

    const names = seen.map((e) => e.name)
    // The deploy: started, its phases, ready; then the workload; the verdict last.
    const at = (name: RunEventName) => names.indexOf(name)
    expect(names[0]).toBe('deploy-started')
    expect(names.filter((n) => n === 'deploy-phase').length).toBeGreaterThanOrEqual(1)
    expect(at('deploy-phase')).toBeLessThan(at('deploy-ready'))
    expect(names.slice(names.lastIndexOf('deploy-phase') + 1, at('workload-started') + 1)).toEqual(['deploy-ready', 'workload-started'])
    expect(names.at(-2)).toBe('workload-finished')
    expect(names.at(-1)).toBe('workload-verdict')
    expect(names).not.toContain('deploy-failed')

    const label = '[test/model tp1] chat'
    const started = seen.find((e) => e.name === 'workload-started')!
    expect(started.event).toEqual({ label, planned: 4 })
    // Warm-up and measured requests: each sent before it settled, all of them settled.
    const requests = seen.slice(at('workload-started') + 1, -2)
    expect(requests.map((e) => e.name).sort()).toEqual([...Array(5).fill('request-sent'), ...Array(5).fill('request-settled')].sort())
    const sent = new Set<number>()
    for (const e of requests) {
      if (e.name === 'request-sent') {
        expect(e.event.label).toBe(label)
        sent.add(e.event.index)
      } else if (e.name === 'request-settled') {
        const record = e.event.record as RequestRecord
        expect(sent.has(record.index), `request ${record.index} settled before it was sent`).toBe(true)
        expect(record.failure).toBeUndefined()
      }
    }
    expect(requests.filter((e) => e.name === 'request-sent' && e.event.warmup).length).toBe(1)
    const verdict = seen.at(-1)!
    expect(verdict.name === 'workload-verdict' && verdict.event.result).toMatchObject({ model: MODEL, variant: 'tp1', workload: 'chat', status: 'passed' })
    const ready = seen.find((e) => e.name === 'deploy-ready')!
    expect(ready.event).toMatchObject({ label: '[test/model tp1]', simulatedTime: true, start: 'cold' })
  })

  it('the console subscriber prints the deploy of that run, line by line as before', async () => {
    const events = new RunEvents()
    const lines: string[] = []
    attachConsole(events, { print: (line) => lines.push(line), printProgress: (text) => lines.push(text) })
    await tinyRun(events)
    expect(lines[0]).toBe('[test/model tp1] deploying on 8xrtx-4070-ti-super (SIMULATED): 8 instance(s) of TP1xPP1, 0 idle GPU(s); args --tensor-parallel-size 1')
    expect(lines.slice(1, -1).every((l) => /^\[test\/model tp1\] \d+\.\d s: (up|starting|replicas|models)( state=\S+)?( status=\S+)?( \d+\/\d+ healthy)?$/.test(l)), lines.join('\n')).toBe(true)
    expect(lines.at(-1)).toMatch(/^\[test\/model tp1\] ready after \d+\.\d s \(simulated time\), cold start$/)
  })
})

describe('console subscriber wording', () => {
  const label = '[m tp4]'
  it('words every deploy event exactly as the run core printed it, thinning repeated phases to one per 10 s', () => {
    const events = new RunEvents()
    const lines: string[] = []
    const detach = attachConsole(events, { print: (line) => lines.push(line) })
    events.emit('warning', { text: '⚠ m: deployTimeoutS 3600 s is longer than MLNode\'s own start-up limit' })
    events.emit('warning', { label, text: 'may not start on 8xh100-sxm (performance model; deploying anyway, the node decides): kv-too-small' })
    events.emit('note', { text: `${label} MLNode is restarting; waiting` })
    events.emit('deploy-started', { label, hardware: '8x NVIDIA H100', simulated: false, instances: 2, tp: 4, pp: 1, idleGpus: 0, args: ['-tp', '4', '--max-model-len', '8192'] })
    events.emit('deploy-phase', { label, progress: { elapsedS: 0, phase: 'up' } })
    events.emit('deploy-phase', { label, progress: { elapsedS: 2.04, phase: 'starting', status: 'in_progress', state: 'INFERENCE' } })
    events.emit('deploy-phase', { label, progress: { elapsedS: 4.1, phase: 'starting', status: 'in_progress', state: 'INFERENCE' } })
    events.emit('deploy-phase', { label, progress: { elapsedS: 12.1, phase: 'starting', status: 'in_progress', state: 'INFERENCE' } })
    events.emit('deploy-phase', { label, progress: { elapsedS: 14.2, phase: 'replicas', healthyReplicas: 1, expectedReplicas: 2 } })
    events.emit('deploy-phase', { label, progress: { elapsedS: 16.3, phase: 'models', expectedReplicas: 2 } })
    events.emit('deploy-capped', { label, instances: 1, idleGpus: 4 })
    events.emit('deploy-ready', { label, readyAfterS: 17.25, simulatedTime: false, start: 'warm' })
    events.emit('deploy-failed', { label: '[m tp8]', message: 'Deploy of m tp8 (tp=8 pp=1) failed after 3.0 s: boom', log: ['line 1', 'line 2'], refused: false })
    events.emit('deploy-failed', { label: '[m tp3]', message: 'refused', log: [], refused: true })
    detach()
    events.emit('note', { text: 'after detach: not printed' })
    expect(lines).toEqual([
      "⚠ m: deployTimeoutS 3600 s is longer than MLNode's own start-up limit",
      '[m tp4] WARNING: may not start on 8xh100-sxm (performance model; deploying anyway, the node decides): kv-too-small',
      '[m tp4] MLNode is restarting; waiting',
      '[m tp4] deploying on 8x NVIDIA H100: 2 instance(s) of TP4xPP1, 0 idle GPU(s); args -tp 4 --max-model-len 8192',
      '[m tp4] 0.0 s: up',
      '[m tp4] 2.0 s: starting state=INFERENCE status=in_progress',
      '[m tp4] 12.1 s: starting state=INFERENCE status=in_progress',
      '[m tp4] 14.2 s: replicas 1/2 healthy',
      '[m tp4] 16.3 s: models 0/2 healthy',
      '[m tp4] MLNode reports starting 1 instance(s) (its INFERENCE_MAX_INSTANCES); 4 GPU(s) idle',
      '[m tp4] ready after 17.3 s, warm start',
      '[m tp8] deploy FAILED: Deploy of m tp8 (tp=8 pp=1) failed after 3.0 s: boom\n  MLNode log:\n    line 1\n    line 2',
      '[m tp3] deploy FAILED: refused',
    ])
  })

  it('a workload prints its progress line from its request events (terminal mode: redrawn, and once more at its end)', async () => {
    const events = new RunEvents()
    const lines: string[] = []
    attachConsole(events, { printProgress: (text) => lines.push(text), progressMode: () => 'tty', progressIntervalS: () => 0.01 })
    const record = (index: number): RequestRecord => ({ index, warmup: false, scheduledAtMs: 0, sentAtMs: 0, dispatchedAtMs: 0, contentChunkAtMs: [], endAtMs: 1, promptTokens: 1, completionTokens: 3, tokensEstimated: false })
    const label = '[m tp1] chat'
    events.emit('workload-started', { label, planned: 2 })
    events.emit('request-sent', { label, index: 0, warmup: false })
    events.emit('request-sent', { label, index: 1, warmup: false })
    events.emit('request-settled', { label, record: record(0) })
    // The first redraw comes after an interval (10 ms here; later on a loaded machine).
    for (const giveUpAt = performance.now() + 5000; lines.length === 0 && performance.now() < giveUpAt; ) await new Promise((r) => setTimeout(r, 10))
    events.emit('request-settled', { label, record: record(1) })
    events.emit('workload-finished', { label })
    expect(lines.length).toBeGreaterThanOrEqual(2)
    expect(lines[0]).toMatch(/^\r\[m tp1\] chat: 1\/2 requests done, 1 in flight, 0 failed, [\d.]+ out tok\/s, \d+ s elapsed, ETA \d+ s$/)
    // On a terminal the line is redrawn a last time when the workload ends.
    expect(lines.at(-1)).toMatch(/^\r\[m tp1\] chat: 2\/2 requests done, 0 in flight, 0 failed, [\d.]+ out tok\/s, \d+ s elapsed, ETA \d+ s$/)
  })
})

describe('the run core knows no terminal', () => {
  // The subscriber and the progress printer are the UI's; everything else of the core only emits.
  const UI = new Set(['src/run/console-subscriber.ts', 'src/run/progress.ts'])
  it('no console or stdout/stderr write in src/run, src/load, src/mlnode outside the subscriber', async () => {
    const { readdir, readFile } = await import('node:fs/promises')
    const offenders: string[] = []
    for (const dir of ['src/run', 'src/load', 'src/mlnode']) {
      for (const name of await readdir(dir, { recursive: true })) {
        const path = `${dir}/${name}`
        if (!path.endsWith('.ts') || UI.has(path)) continue
        const code = (await readFile(path, 'utf8')).split('\n').filter((line) => !/^\s*(\*|\/\/)/.test(line))
        code.forEach((line, i) => /\bconsole\.\w+\(|process\.(stdout|stderr)\b/.test(line) && offenders.push(`${path}:${i + 1}: ${line.trim()}`))
      }
    }
    expect(offenders).toEqual([])
  })
})
