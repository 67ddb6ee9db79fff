/**
 * What the overhead benchmark's client (overhead.ts) and server process (overhead-server.ts)
 * share: the common clock and the IPC messages.
 */
import { readFileSync } from 'node:fs'

/** The common clock of both processes: epoch ms, advanced by CLOCK_MONOTONIC since process start. */
export const epochMs = (): number => performance.timeOrigin + performance.now()

/** Machine-wide CLOCK_MONOTONIC (uv_hrtime), ms. */
const hrMs = (): number => Number(process.hrtime.bigint()) / 1e6

/**
 * epoch clock − CLOCK_MONOTONIC in this process (median of 501 samples). It is constant within a
 * process; the difference between two processes' values is their epoch clocks' skew.
 */
export function epochMinusMonotonicMs(): number {
  const samples: number[] = []
  for (let i = 0; i < 501; i++) samples.push(epochMs() - hrMs())
  return samples.sort((a, b) => a - b)[250]!
}

/** Messages from the client process. */
export type ServerCommand =
  | { type: 'config'; stepMs: number; tokens: number; eventsPerWrite?: number }
  | { type: 'collect' }
  | { type: 'stop' }

/** What the server reports for one phase (epoch ms on the server's clock). */
export interface ServerPhase {
  type: 'stamps'
  streams: Array<{ index: number; receivedAtMs: number; writtenAtMs: number[]; writeStartMs: number[]; dueAtMs: number[] }>
  /** Server process CPU during the phase (user+system), ms. */
  cpuMs: number
  /** Server event-loop delay p99 / max during the phase, ms (monitorEventLoopDelay sampling every 1 ms). */
  loopDelayP99Ms: number
  loopDelayMaxMs: number
  epochMinusMonotonicMs: number
  /** Main thread: ns runnable but waiting for a CPU during the phase (/proc/self/schedstat). */
  runQueueWaitNs: number
}

/**
 * This process's main thread scheduler accounting (Linux /proc/self/schedstat): ns on a CPU and
 * ns RUNNABLE BUT WAITING for one (other processes had the cores). Zeros where unavailable.
 */
export function schedstat(): { runNs: number; waitNs: number } {
  try {
    const [run, wait] = readFileSync('/proc/self/schedstat', 'utf8').trim().split(/\s+/).map(Number)
    return { runNs: run ?? 0, waitNs: wait ?? 0 }
  } catch {
    return { runNs: 0, waitNs: 0 }
  }
}

/** Whole-machine CPU jiffies (/proc/stat): busy and total, to tell our processes' load from others'. */
export function machineJiffies(): { busy: number; total: number } {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number)
    const total = fields.reduce((a, b) => a + b, 0)
    return { busy: total - (fields[3] ?? 0) - (fields[4] ?? 0), total }
  } catch {
    return { busy: 0, total: 0 }
  }
}
