// The vitest adapter: with reporters/, the only code that imports 'vitest' (4.1 and 5 bench APIs).
export { deploymentSuite } from './suite.js'
export type { DeploymentSuiteOptions, ResolvedDeploymentSuiteOptions } from '../run/suite-options.js'
export type { ProvidedTarget, SimulatorEndpoints } from '../run/target-config.js'
