// The vitest adapter: the only src folder that imports 'vitest' (vitest 4.1 bench mode).
export { deploymentSuite } from './suite.js'
export type { DeploymentSuiteOptions, ResolvedDeploymentSuiteOptions } from '../run/suite-options.js'
export type { ProvidedTarget, SimulatorEndpoints } from '../run/target-config.js'
