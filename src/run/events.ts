/**
 * What a run tells the world, as typed events (autocannon's split: the engine emits, the UI
 * subscribes). The run core (targets, runBench, measureWorkload) only emits; the console lines and
 * the live progress of a workload are one subscriber (console-subscriber.ts) that the Vitest adapter
 * attaches. A run without a subscriber writes nothing to the terminal.
 */
import { EventEmitter } from 'node:events'
import type { BenchResult } from '../contracts/results.js'
import type { RequestRecord } from '../contracts/records.js'
import type { ReadyProgress } from '../mlnode/ready.js'

/** Every event of a run, by name, with its payload. */
export interface RunEventMap {
  /** A line about the run from the node's side (MLNode restarting, the model download, a failed down): shown as is. */
  note: { text: string }
  /** A warning: of a variant (`label` set: the performance model's "may not start"), or of the run (a deploy timeout beyond MLNode's limit, unknown GPUs). */
  warning: { label?: string; text: string }
  /** The variant's `up` is about to go out on a settled node. */
  'deploy-started': { label: string; hardware: string; simulated: boolean; instances: number; tp: number; pp: number; idleGpus: number; args: readonly string[] }
  /** One poll of the readiness sequence (src/mlnode/ready.ts); every poll, the subscriber thins them. */
  'deploy-phase': { label: string; progress: ReadyProgress }
  /** MLNode started fewer instances than the GPUs fit (its INFERENCE_MAX_INSTANCES). */
  'deploy-capped': { label: string; instances: number; idleGpus: number }
  'deploy-ready': { label: string; readyAfterS: number; simulatedTime: boolean; start: 'cold' | 'warm' }
  /** The deploy failed; `refused`: nothing was sent to MLNode (layout or performance model). */
  'deploy-failed': { label: string; message: string; log: readonly string[]; refused: boolean; /** Whose log `log` is. @default 'MLNode' */ logName?: string }
  /** A workload's measured requests start (after warm-ups are planned, before the first is sent). */
  'workload-started': { label: string; planned: number }
  'request-sent': { label: string; index: number; warmup: boolean }
  'request-settled': { label: string; record: RequestRecord }
  /** Every request of the workload settled (or was cut by its bound or an early stop). */
  'workload-finished': { label: string }
  /** The bench's result and verdict (src/run/run-bench.ts), before the adapter records it. */
  'workload-verdict': { result: BenchResult; error?: unknown }
}

export type RunEventName = keyof RunEventMap
export type RunListener<K extends RunEventName> = (event: RunEventMap[K]) => void

/** A typed EventEmitter of one run. Listeners run synchronously where the run emits: keep them short. */
export class RunEvents {
  private readonly emitter = new EventEmitter()

  constructor() {
    // Subscribers are few and long-lived (console, tests); no leak warning for a handful more.
    this.emitter.setMaxListeners(0)
  }

  on<K extends RunEventName>(name: K, listener: RunListener<K>): () => void {
    this.emitter.on(name, listener as (event: unknown) => void)
    return () => this.emitter.off(name, listener as (event: unknown) => void)
  }

  emit<K extends RunEventName>(name: K, event: RunEventMap[K]): void {
    this.emitter.emit(name, event)
  }
}
