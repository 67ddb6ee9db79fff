/**
 * The workload being measured, kept on disk as it goes: every second its metrics so far are
 * written (atomically, scrubbed) to `<results folder>/partial/<key>.json`. Vitest exits about 1 ms
 * after Ctrl-C, killing the worker that measures; the main process's handler
 * (src/run/interrupt.ts) then merges this file into results.json as a partial result. Removed
 * when the workload ends normally (its full result then goes through the reporters).
 */
import { createHash } from 'node:crypto'
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import type { BenchResult } from '../contracts/results.js'
import { writeFileAtomic } from '../outputs/atomic-write.js'
import { scrubDeep } from '../outputs/secrets.js'

export class PartialResult {
  readonly path: string
  private writing: Promise<void> = Promise.resolve()
  private done = false

  constructor(dir: string, key: Pick<BenchResult, 'model' | 'variant' | 'workload' | 'file'>) {
    const id = createHash('sha256').update(JSON.stringify([key.file, key.model, key.variant, key.workload])).digest('hex').slice(0, 16)
    this.path = join(dir, `${id}.json`)
  }

  /** The result so far: failed (it did not finish), MLNB_ABORTED, saying how much was measured. */
  update(result: BenchResult, settled: number, planned: number): void {
    if (this.done) return
    const partial: BenchResult = {
      ...result,
      status: 'failed',
      failure: { kind: 'workload', code: 'MLNB_ABORTED', message: `interrupted: a partial result, ${settled} of ${planned} requests measured before the run was stopped` },
    }
    this.writing = this.writing.then(async () => {
      if (!this.done) await writeFileAtomic(this.path, JSON.stringify(scrubDeep(partial))).catch(() => undefined)
    })
  }

  /** The workload ended: its full result goes through the reporters. */
  async discard(): Promise<void> {
    this.done = true
    await this.writing
    await rm(this.path, { force: true })
  }
}
