/**
 * Embedded MLNode + vLLM simulator (the default target when no MLNODE_URL is set).
 * `simulateRequests` runs the engine on a virtual clock without sockets (for `predict`).
 */
export { simulateRequests } from './simulate.js'
export type { SimulateRequestsInput, SimulatedRequest } from './simulate.js'
