/**
 * Runs overhead-python-client.py (a raw-socket client in CPython's asyncio, the event loop vLLM's
 * benchmark client uses) for one phase of the overhead benchmark, and puts its CLOCK_MONOTONIC
 * stamps on this thread's performance.now() scale: a second floor, from another runtime, to tell
 * what is this machine's from what is Node's. Needs `python3` on the PATH (3.9 or newer).
 */
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { nowMinusMonotonicMs } from '../../src/load/thread-clock.js'
import type { RawRecord } from './overhead-raw-client.js'

interface PythonOutput {
  cpuMs: number
  records: Array<{ index: number; sentAtMonotonicMs: number; writtenAtMonotonicMs: number; chunkAtMonotonicMs: number[] }>
}

/** The Python client's records (performance.now() ms) and the CPU it used while streaming, ms. */
export async function pythonStreams(port: number, streams: number, maxTokens: number): Promise<{ records: RawRecord[]; cpuMs: number }> {
  const script = fileURLToPath(new URL('./overhead-python-client.py', import.meta.url))
  const { stdout } = await promisify(execFile)('python3', [script, String(port), String(streams), String(maxTokens)], { maxBuffer: 256 * 2 ** 20 }).catch((error: NodeJS.ErrnoException) => {
    throw error.code === 'ENOENT' ? new Error('the Python floor needs python3 on the PATH (3.9 or newer)') : error
  })
  const out = JSON.parse(stdout) as PythonOutput
  const offset = nowMinusMonotonicMs()
  const records = out.records.map((r) => ({
    index: r.index,
    sentAtMs: r.sentAtMonotonicMs + offset,
    writtenAtMs: r.writtenAtMonotonicMs + offset,
    contentChunkAtMs: r.chunkAtMonotonicMs.map((at) => at + offset),
    ...(r.chunkAtMonotonicMs.length === 0 ? { failure: 'closed before any content' } : {}),
  }))
  return { records, cpuMs: out.cpuMs }
}
