/** The target a suite runs against, from the run's target config (select-target.ts). */
import { mlnodeTargetFor } from './mlnode-target.js'
import { OpenAiTarget } from './openai-target.js'
import { SimulatorTarget } from './sim-target.js'
import type { Target } from './target.js'
import type { ProvidedTarget } from './target-config.js'
import type { RunEvents } from './events.js'

export interface SuiteTargetInput {
  /** Hardware profile the embedded simulator emulates. */
  hardware: string
  /** Variant → endpoint of a plain OpenAI target. */
  openaiEndpoints?: Readonly<Record<string, string>>
  /** The suite file, for errors. */
  source: string
  /** Where deploys are told (events.ts). @default untold */
  events?: RunEvents
}

export function createTarget(config: ProvidedTarget, suite: SuiteTargetInput): Target {
  switch (config.kind) {
    case 'mlnode':
      return mlnodeTargetFor({ mgmtUrl: config.mgmtUrl, inferenceUrl: config.inferenceUrl ?? config.mgmtUrl }, suite.events)
    case 'simulated':
      return new SimulatorTarget(config.fleetUrl, suite.hardware, suite.events)
    case 'openai':
      return new OpenAiTarget({ inferenceUrl: config.inferenceUrl, apiKeyEnv: config.apiKeyEnv, source: suite.source, ...(suite.openaiEndpoints ? { endpoints: suite.openaiEndpoints } : {}) })
  }
}
