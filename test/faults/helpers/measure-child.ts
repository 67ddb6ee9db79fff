/**
 * Child process of test/faults/hangs.test.ts: one workload against argv[2] bounded by argv[3]
 * seconds, with a garbage collection every 100 ms (run with --expose-gc): Node 20 collected the
 * combined abort signal of a workload's timeout, which then never fired. Prints what it measured.
 */
import { measureWorkload } from '../../../src/run/measure.js'

const [url, timeoutS] = process.argv.slice(2)
const gc = (globalThis as { gc?: () => void }).gc
if (gc === undefined) throw new Error('run with --expose-gc')
setInterval(gc, 100).unref()
const started = performance.now()
const measured = await measureWorkload({
  spec: { name: 'hang', requests: 4, concurrency: 2, prompt: { tokens: 10 }, maxTokens: 4 },
  inferenceUrl: url!,
  model: 'm',
  simulatedTime: false,
  timeoutS: Number(timeoutS),
})
console.log(JSON.stringify({ elapsedS: (performance.now() - started) / 1000, timedOutAfterS: measured.timedOutAfterS, requests: measured.metrics.requests }))
