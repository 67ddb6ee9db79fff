/**
 * vitest globalSetup of mlnode-bench: picks the target kind (src/run/targets/registry.ts) and runs
 * its setUp in the main process (the embedded simulator fleet, the Ctrl-C handler of a real MLNode…).
 * Add to vitest.config.ts: `test.globalSetup: ['mlnode-bench/global-setup']`.
 */
import type { TestProject } from 'vitest/node'
import { loadLiveRegistry } from '../network/live-registry.js'
import { checkRunEnv } from '../run/env-options.js'
import { targetKindFromEnv } from '../run/targets/registry.js'
import type { ProvidedTarget } from '../run/target-config.js'
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
  const kind = targetKindFromEnv(env)
  const choice = kind.select(env)
  const { config, teardown } = await kind.setUp(choice, { root: project.config.root, watch: project.vitest.config.watch, allowWatch: watchAllowed(env), notify: (line) => console.error(line) })
  project.provide('mlnodeBench', config as ProvidedTarget)
  console.log(choice.banner)
  return teardown ? async () => teardown() : undefined
}
