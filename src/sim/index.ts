/**
 * Embedded MLNode + vLLM simulator (the default target when no MLNODE_URL is set).
 *
 * Clocks and the speed mapping: with `clock: 'wall'` and `speed: K`, simulated time runs K times
 * faster than real time, so any duration a client measures maps back to simulated seconds as
 * `simulatedS = measuredS × K` (TTFT, ITL, E2EL alike; throughputs divide by K). The client's
 * own overhead (loopback HTTP, timer lateness, ~0.3–1 ms per event) is multiplied by K too:
 * see test/sim/speed-accuracy.test.ts for the measured error and the speed limit it implies.
 * `clock: 'virtual'` runs events as fast as the CPU allows (functional tests); `simulateRequests`
 * runs the same engine without sockets for `predict`.
 */
export { startSimulator } from './simulator.js'
export type { SimulatorHandle } from './simulator.js'
export { resolveSimulatorOptions, slowdownFromEnv } from './options.js'
export type { SimulatorOptions, ResolvedSimulatorOptions } from './options.js'
export { simulateRequests } from './simulate.js'
export type { SimulateRequestsInput, SimulatedRequest } from './simulate.js'
export { defaultPlanner } from './planner.js'
export { instancesFor } from './variant.js'
export type { DeployRequest, PlannedVariant, VariantPlanner } from './variant.js'
export { estimateTokens, drawOutputTokens, DEFAULT_EOS_PER_TOKEN } from './text.js'
export type { LifecycleTimings, UpStatus } from './deployment.js'
export type { ClockLateness } from './clock.js'
