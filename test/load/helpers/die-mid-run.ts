/**
 * Loaded into each load worker thread (MLNODE_BENCH_LOAD_WORKER_IMPORT) by worker-death.test.ts:
 * the first thread to write its Nth chat request (MLNB_TEST_DIE_AFTER) while it still streams
 * ends itself with exit code 3, as a crashing thread would. Only one thread dies: each claims the
 * file MLNB_TEST_DIE_FLAG exclusively first.
 */
import { subscribe } from 'node:diagnostics_channel'
import { openSync, closeSync } from 'node:fs'

const after = Number(process.env.MLNB_TEST_DIE_AFTER)
const flag = process.env.MLNB_TEST_DIE_FLAG
let written = 0
if (flag !== undefined && Number.isInteger(after) && after > 0) {
  subscribe('undici:request:bodySent', (message) => {
    const { request } = message as { request: { path: string } }
    if (!request.path.endsWith('/chat/completions') || ++written !== after) return
    try {
      closeSync(openSync(flag, 'wx'))
    } catch {
      return // another thread died already
    }
    // After the write: this request and the others of the thread are in flight when it ends.
    setTimeout(() => process.exit(3), 20)
  })
}
