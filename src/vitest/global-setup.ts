/**
 * vitest globalSetup of mlnode-bench: picks the target (src/run/select-target.ts) and starts what
 * it needs in the main process: the embedded simulator fleet, or the Ctrl-C handler of a real MLNode.
 * Add to vitest.config.ts: `test.globalSetup: ['mlnode-bench/global-setup']`.
 */
import { resolve } from 'node:path'
import type { TestProject } from 'vitest/node'
import { loadLiveRegistry } from '../network/live-registry.js'
import { checkRunEnv } from '../run/env-options.js'
import { downOnInterrupt } from '../run/interrupt.js'
import { selectTarget } from '../run/select-target.js'
import { startSimFleet } from '../run/sim-fleet.js'
import { watchAllowed } from '../run/watch.js'
import { claimOutputFolders, partialResultsDir, registeredResultsFile } from '../outputs/run-outputs.js'
import { keepOnInterrupt } from '../run/keep-on-interrupt.js'
import { rm } from 'node:fs/promises'
import './provided.js'

export default async function globalSetup(project: TestProject): Promise<(() => Promise<void>) | void> {
  // One vitest config serves `vitest run` (tests) and `vitest bench`: only benches need a target.
  // Vitest 4.1 runs benches in 'benchmark' mode; Vitest 5 in benchmark-enabled projects (its
  // types know no 'benchmark' mode: compared as a string, so this compiles against both majors).
  const mode: string = project.vitest.mode
  const benching = mode === 'benchmark' || (project.config as { benchmark?: { enabled?: boolean } }).benchmark?.enabled === true
  if (!benching) return
  const env = process.env
  // A switch the run would silently read as "off" (MLNODE_BENCH_UPDATE_BASELINE=yes) fails here, before anything deploys.
  checkRunEnv(env)
  // Before anything deploys: every output folder can be written, and no other run writes there.
  const releaseOutputs = await claimOutputFolders()
  try {
    // Ctrl-C keeps what was measured, the running workload's partial result included.
    const resultsFile = registeredResultsFile()
    let removeKeep: (() => void) | undefined
    if (resultsFile) {
      const partialDir = partialResultsDir(resultsFile)
      await rm(partialDir, { recursive: true, force: true })
      project.provide('mlnodeBenchPartialDir', partialDir)
      removeKeep = keepOnInterrupt(resultsFile, partialDir, (line) => console.error(line))
    }
    const teardown = await setUpTarget(project, env)
    return async () => {
      try {
        removeKeep?.()
        await teardown?.()
      } finally {
        await releaseOutputs()
      }
    }
  } catch (error) {
    await releaseOutputs()
    throw error
  }
}

async function setUpTarget(project: TestProject, env: NodeJS.ProcessEnv): Promise<(() => Promise<void>) | void> {
  // Suites refuse a real MLNode in watch mode (each save would redeploy every variant).
  project.provide('mlnodeBenchRunMode', { watch: project.vitest.config.watch, allowWatch: watchAllowed(env) })
  // networkModel suites: the chain's live entries, read once here (collection cannot fetch).
  const networkModels = await loadLiveRegistry(env)
  if (networkModels) project.provide('mlnodeBenchNetworkModels', networkModels)
  const choice = selectTarget(env)
  if (choice.kind === 'openai') {
    project.provide('mlnodeBench', { kind: 'openai', inferenceUrl: choice.inferenceUrl, apiKeyEnv: choice.apiKeyEnv })
    console.log(choice.banner)
    return
  }
  if (choice.kind === 'mlnode') {
    project.provide('mlnodeBench', { kind: 'mlnode', mgmtUrl: choice.mgmtUrl, ...(choice.inferenceUrl ? { inferenceUrl: choice.inferenceUrl } : {}) })
    console.log(choice.banner)
    // Ctrl-C or a cancelled job must not leave a variant deployed (the suites' own down never runs then).
    // In watch mode without the allowance the suites refuse to deploy: nothing to take down, and
    // the MLNode is not touched at all.
    if (project.vitest.config.watch && !watchAllowed(env)) return
    const remove = downOnInterrupt(choice.mgmtUrl, (line) => console.error(line))
    return async () => remove()
  }
  // Calibrations (MLNODE_BENCH_CALIBRATION or a suite's option) are read and checked by each suite at collection.
  const fleet = await startSimFleet({ ...choice.fleet, logFile: resolve(project.config.root, choice.logFile) })
  project.provide('mlnodeBench', { kind: 'simulated', fleetUrl: fleet.url })
  console.log(choice.banner)
  return () => fleet.close()
}
