/**
 * MLNODE_BENCH_TARGET=openai with an INFERENCE_URL without a scheme, or malformed, fails at
 * collection with an error naming the variable and the value (it showed "0 in flight" forever).
 */
import { expect, it } from 'vitest'
import { PROCESS_TEST_TIMEOUT_MS } from '../timeouts.js'
import { runFixture } from './run-fixture.js'

it.each([
  ['127.0.0.1:8000', /INFERENCE_URL is not a URL: '127\.0\.0\.1:8000'/],
  ['localhost:8000', /INFERENCE_URL must be http\(s\), got 'localhost:8000'/],
  ['http//gpu-box:8000', /INFERENCE_URL is not a URL: 'http\/\/gpu-box:8000'/],
])('INFERENCE_URL=%s fails at collection, naming it', async (url, said) => {
  const run = await runFixture({ MLNODE_BENCH_TARGET: 'openai', INFERENCE_URL: url }, { timeoutMs: 90_000 })
  expect(run.output).not.toMatch(/in flight/)
  expect(run.exitCode, run.output).toBe(1)
  expect(run.output).toMatch(said)
  expect(run.output).toMatch(/fault\.bench\.ts/)
}, PROCESS_TEST_TIMEOUT_MS)
