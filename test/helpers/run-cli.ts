/**
 * The `mlnode-bench` command run in this process: the same `main(argv)` that bin/mlnode-bench.js
 * and `tsx src/cli/main.ts` call, with its console and stdout/stderr captured and the environment
 * overridden for the call only. A child process costs a tsx start-up (1–2 s of CPU on a 2-core
 * machine) per call; test/cli/bin-entry.test.ts keeps the real binary covered.
 * Calls must not overlap (they swap process-wide state): tests in one file run one at a time.
 */
import { format } from 'node:util'
import { main } from '../../src/cli/main.js'

export interface CliResult {
  exitCode: number
  stdout: string
  stderr: string
  /** stdout and stderr, as a terminal would show them. */
  all: string
}

const consoleMethods = ['log', 'info', 'warn', 'error', 'debug'] as const

export async function runCli(args: readonly string[], env: Record<string, string | undefined> = {}): Promise<CliResult> {
  const out: string[] = []
  const err: string[] = []
  const all: string[] = []
  const savedConsole = consoleMethods.map((m) => console[m])
  const savedWrite = { out: process.stdout.write, err: process.stderr.write }
  const savedEnv = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]))
  const savedExitCode = process.exitCode
  const sink = (to: string[]) => (text: string) => {
    to.push(text)
    all.push(text)
  }
  const toOut = sink(out)
  const toErr = sink(err)
  consoleMethods.forEach((m) => {
    const to = m === 'log' || m === 'info' || m === 'debug' ? toOut : toErr
    console[m] = (...parts: unknown[]) => to(`${format(...parts)}\n`)
  })
  const writer = (to: (text: string) => void) =>
    ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      to(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'))
      const done = rest.find((r) => typeof r === 'function') as (() => void) | undefined
      done?.()
      return true
    }) as typeof process.stdout.write
  process.stdout.write = writer(toOut)
  process.stderr.write = writer(toErr)
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) delete process.env[k]
    else process.env[k] = v
  }
  try {
    const exitCode = await main([...args])
    return { exitCode, stdout: out.join('').trimEnd(), stderr: err.join('').trimEnd(), all: all.join('').trimEnd() }
  } finally {
    consoleMethods.forEach((m, i) => (console[m] = savedConsole[i]!))
    process.stdout.write = savedWrite.out
    process.stderr.write = savedWrite.err
    for (const [k, v] of Object.entries(savedEnv)) {
      if (v === undefined) delete process.env[k]
      else process.env[k] = v
    }
    process.exitCode = savedExitCode
  }
}
