/**
 * Ctrl-C (or a cancelled job) of any run: Vitest exits about 1 ms after SIGINT/SIGTERM, before any
 * reporter's end, so results.json would stay `state: 'running'` and the workload being measured
 * would be lost. This handler, in the main process, synchronously marks the run 'interrupted',
 * merges the partial result of the workload that was running (src/run/partial-result.ts) and
 * lists on the console what results.json keeps. Synchronous on purpose: nothing async runs after.
 */
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { BenchResult, RunResults } from '../contracts/results.js'
import { scrub } from '../outputs/secrets.js'

const sameKey = (a: BenchResult, b: BenchResult) => a.model === b.model && a.variant === b.variant && a.workload === b.workload && a.file === b.file

/** Marks results.json interrupted, merges the partial results; returns the lines to print. */
export function keepInterruptedRun(resultsFile: string, partialDir: string): string[] {
  let file: RunResults
  try {
    file = JSON.parse(readFileSync(resultsFile, 'utf8')) as RunResults
  } catch (error) {
    return [`mlnode-bench: interrupted: ${resultsFile} cannot be read (${(error as Error).message}); nothing kept`]
  }
  const partials: BenchResult[] = []
  if (existsSync(partialDir)) {
    for (const name of readdirSync(partialDir).filter((n) => n.endsWith('.json'))) {
      try {
        partials.push(JSON.parse(readFileSync(join(partialDir, name), 'utf8')) as BenchResult)
      } catch {
        // Half-written files do not exist (atomic writes); anything else unreadable is skipped.
      }
    }
  }
  const stamp = file.run ? { id: file.run.id, date: file.run.date, ...(file.run.git ? { git: file.run.git } : {}) } : undefined
  for (const p of partials) {
    const entry: BenchResult = { ...p, ...(stamp ? { run: stamp } : {}) }
    const at = file.results.findIndex((r) => sameKey(r, entry))
    if (at >= 0) file.results[at] = entry
    else file.results.push(entry)
  }
  if (file.run) file.run = { ...file.run, state: 'interrupted', endedAt: new Date().toISOString() }
  const temp = `${resultsFile}.${process.pid}.interrupted.tmp`
  try {
    writeFileSync(temp, scrub(`${JSON.stringify(file, null, 2)}\n`))
    renameSync(temp, resultsFile)
    rmSync(partialDir, { recursive: true, force: true })
  } catch (error) {
    rmSync(temp, { force: true })
    return [`mlnode-bench: interrupted: ${resultsFile} NOT updated (${(error as Error).message}): it may still say 'running'`]
  }
  const own = file.results.filter((r) => !stamp || r.run?.id === stamp.id)
  const line = (r: BenchResult) => `  ${partials.some((p) => sameKey(p, r)) ? '◐ partial' : r.status === 'passed' ? '✓' : '✗'} ${r.model} › ${r.variant} › ${r.workload}${partials.some((p) => sameKey(p, r)) ? `: ${r.failure?.message.replace(/^interrupted: a partial result, /, '')}` : ''}`
  return [
    `mlnode-bench: run interrupted: ${resultsFile} marked 'interrupted', keeping ${own.length} result(s) of this run${own.length ? ':' : ''}`,
    ...own.map(line),
    ...(file.results.length > own.length ? [`  (and ${file.results.length - own.length} of earlier runs)`] : []),
  ]
}

/** Installs the handler (`print`: where the caller shows the kept results); returns its removal (the run ended normally: the reporters wrote everything). */
export function keepOnInterrupt(resultsFile: string, partialDir: string, print: (line: string) => void): () => void {
  const onSignal = (): void => {
    for (const l of keepInterruptedRun(resultsFile, partialDir)) print(scrub(l))
  }
  process.once('SIGINT', onSignal)
  process.once('SIGTERM', onSignal)
  return () => {
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
  }
}
