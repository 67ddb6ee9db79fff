/**
 * The two shapes of a load (run-workload.ts): the closed loop (compressa-perf's model: workers
 * share the requests, each sends its next when its last settled) and the open loop (vLLM `bench
 * serve`: arrivals on a schedule, an optional cap on requests in flight).
 */
import { setImmediate as yieldToLoop, setTimeout as sleep } from 'node:timers/promises'
import { arrivalOffsetsMs } from './arrivals.js'
import { sendRequest, simPhase, type LoadRun } from './load-run.js'

/** How far short of the time left a timer aims (Node timers fire early on performance.now(), see waitUntil). */
const TIMER_SLACK_MS = 1

/** Requests `from`..`to` by `workers` closed-loop workers, none started at or after `deadlineMs`. */
export async function closedLoop(run: LoadRun, from: number, to: number, workers: number, deadlineMs: number): Promise<void> {
  const { abort, now } = run
  let next = from
  const simSync = simPhase(run, from, to - from, workers)
  // A conversation's turns go to one worker, one after another (a later turn is skipped here
  // and sent by the worker that sent the turn before it, when that one is done).
  const turnOf = run.prompts.turnOf
  const continues = (index: number): boolean => turnOf !== undefined && index > from && index < to && turnOf(index) > 0
  const worker = async (): Promise<void> => {
    for (;;) {
      if (abort.signal.aborted) return
      let index = next++
      while (index < to && continues(index)) index = next++
      if (index >= to) return
      for (;;) {
        const scheduledAtMs = now()
        if (scheduledAtMs >= deadlineMs || abort.signal.aborted) return
        await sendRequest(run, index, scheduledAtMs, simSync?.(index))
        if (!continues(index + 1)) break
        index++
      }
    }
  }
  await Promise.all(Array.from({ length: workers }, worker))
}

/** The measured requests at their arrival offsets from `startedAtMs`, none scheduled at or after `deadlineMs`. */
export async function openLoop(run: LoadRun, startedAtMs: number, deadlineMs: number): Promise<void> {
  const { spec, warmups, abort, now, scheduledFor } = run
  const arrival = spec.arrival
  const offsets = arrival === undefined ? run.prompts.arrivalOffsetsMs!(warmups, spec.requests) : arrivalOffsetsMs(spec.requests, arrival.ratePerS, arrival.burstiness ?? 1, `${spec.seed ?? 0}:${spec.name}`)
  const maxInFlight = arrival?.maxConcurrency ?? Infinity
  const simSync = simPhase(run, warmups, spec.requests, maxInFlight)
  const waiting: number[] = []
  let waitingHead = 0
  let inFlight = 0
  const pending: Array<Promise<void>> = []
  const start = (index: number): void => {
    inFlight++
    pending.push(
      sendRequest(run, index, scheduledFor[index] ?? now(), simSync?.(index, offsets[index - warmups]! / 1000)).then(() => {
        inFlight--
        if (waitingHead < waiting.length && !abort.signal.aborted) start(waiting[waitingHead++] as number)
      }),
    )
  }
  for (let k = 0; k < spec.requests; k++) {
    const index = warmups + k
    const scheduledAtMs = startedAtMs + (offsets[k] as number)
    if (scheduledAtMs >= deadlineMs || abort.signal.aborted) break
    // In simulated time the simulator admits each request at its offset: no real wait.
    if (!run.simulatedTime) await waitUntil(run, scheduledAtMs)
    if (abort.signal.aborted) break
    scheduledFor[index] = scheduledAtMs
    if (inFlight < maxInFlight) start(index)
    else waiting.push(index)
  }
  // Settle everything started, including requests started from the waiting queue meanwhile.
  for (let settled = 0; settled < pending.length; settled++) await pending[settled]
}

/**
 * Resolves at `atMs`, never before: Node timers count whole milliseconds of libuv's cached loop
 * time and fire early on performance.now(), by ~1.5 ms on an idle machine and more on a busy
 * one, so the time left is re-read after every wake: timers aim 1 ms short while more is left,
 * the last ms is waited by yielding to the event loop (I/O keeps flowing).
 */
async function waitUntil(run: LoadRun, atMs: number): Promise<void> {
  const { abort, now } = run
  // Bounded on the real clock too (the wait's own length plus a second), so an injected clock
  // that does not advance cannot hold the loop forever.
  const giveUpAtMs = performance.now() + Math.max(0, atMs - now()) + 1000
  for (let leftMs = atMs - now(); leftMs > 0 && !abort.signal.aborted && performance.now() < giveUpAtMs; leftMs = atMs - now()) {
    if (leftMs > TIMER_SLACK_MS) await sleep(leftMs - TIMER_SLACK_MS, undefined, { signal: abort.signal }).catch(() => undefined)
    else await yieldToLoop()
  }
}
