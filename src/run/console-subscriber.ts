/**
 * The console of a run, as a subscriber of its events (events.ts): the deploy lines and the live
 * progress of a long workload (progress.ts), worded as they always were. In a suite the lines go
 * through Vitest's console (console.log), so reporters see them and `--silent` quiets them.
 */
import { scrub } from '../outputs/secrets.js'
import type { RunEvents } from './events.js'
import { progressIntervalS, progressMode, startProgress, type Progress, type ProgressMode } from './progress.js'

export interface ConsoleSubscriberOptions {
  /** Where a deploy line goes (scrubbed of secrets first). @default console.log */
  print?: (line: string) => void
  /** Where a progress line goes (it starts with '\r' on a terminal). @default console.log */
  printProgress?: (text: string) => void
  /** @default from stdout and the environment at each workload's start (progressMode) */
  progressMode?: () => ProgressMode
  /** @default MLNODE_BENCH_PROGRESS_S at each workload's start */
  progressIntervalS?: () => number
}

/** Phase lines of a deploy: on every phase change, and at most this often otherwise. */
const PHASE_REPEAT_S = 10

/** Subscribes the console to `events`; returns the unsubscribe. */
export function attachConsole(events: RunEvents, o: ConsoleSubscriberOptions = {}): () => void {
  const print = (line: string): void => (o.print ?? ((l: string) => console.log(l)))(scrub(line))
  const offs = [...deployLines(events, print), ...progressLines(events, o)]
  return () => offs.forEach((off) => off())
}

function deployLines(events: RunEvents, print: (line: string) => void): Array<() => void> {
  // Per deploy (label): the phase last printed and when.
  const phases = new Map<string, { phase: string; atS: number }>()
  return [
    events.on('note', (e) => print(e.text)),
    events.on('warning', (e) => print(e.label === undefined ? e.text : `${e.label} WARNING: ${e.text}`)),
    events.on('deploy-started', (e) => {
      phases.delete(e.label)
      print(`${e.label} deploying on ${e.hardware}${e.simulated ? ' (SIMULATED)' : ''}: ${e.instances} instance(s) of TP${e.tp}xPP${e.pp}, ${e.idleGpus} idle GPU(s); args ${e.args.join(' ')}`)
    }),
    events.on('deploy-phase', ({ label, progress: p }) => {
      const last = phases.get(label)
      if (last && p.phase === last.phase && p.elapsedS - last.atS < PHASE_REPEAT_S) return
      phases.set(label, { phase: p.phase, atS: p.elapsedS })
      const replicas = p.expectedReplicas ? ` ${p.healthyReplicas ?? 0}/${p.expectedReplicas} healthy` : ''
      print(`${label} ${p.elapsedS.toFixed(1)} s: ${p.phase}${p.state ? ` state=${p.state}` : ''}${p.status ? ` status=${p.status}` : ''}${replicas}`)
    }),
    events.on('deploy-capped', (e) => print(`${e.label} MLNode reports starting ${e.instances} instance(s) (its INFERENCE_MAX_INSTANCES); ${e.idleGpus} GPU(s) idle`)),
    events.on('deploy-ready', (e) => print(`${e.label} ready after ${e.readyAfterS.toFixed(1)} s${e.simulatedTime ? ' (simulated time)' : ''}, ${e.start} start`)),
    events.on('deploy-failed', (e) => print(`${e.label} deploy FAILED: ${e.message}${e.log.length ? `\n  ${e.logName ?? 'MLNode'} log:\n    ${e.log.join('\n    ')}` : ''}`)),
  ]
}

/** One progress printer per running workload (progress.ts), started and stopped by its events. */
function progressLines(events: RunEvents, o: ConsoleSubscriberOptions): Array<() => void> {
  const running = new Map<string, Progress>()
  const printProgress = o.printProgress ?? ((text: string) => console.log(text))
  return [
    events.on('workload-started', (e) => {
      const mode = o.progressMode?.() ?? progressMode(process.stdout)
      const intervalS = o.progressIntervalS?.() ?? progressIntervalS()
      running.get(e.label)?.stop()
      running.set(e.label, startProgress({ label: e.label, total: e.planned, intervalS, mode, print: printProgress }))
    }),
    events.on('request-sent', (e) => running.get(e.label)?.sent(e.warmup)),
    events.on('request-settled', (e) => running.get(e.label)?.done(e.record)),
    events.on('workload-finished', (e) => {
      running.get(e.label)?.stop()
      running.delete(e.label)
    }),
  ]
}
