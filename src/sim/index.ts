/**
 * Embedded MLNode + vLLM simulator (the default target when no MLNODE_URL is set).
 *
 * - `startSimulator(options)` serves MLNode's management API and the OpenAI API (vLLM's format,
 *   one token per SSE chunk) on two loopback ports; `mlnode-bench sim` runs it from the shell.
 * - `simulateRequests(input)` runs the same engine on a virtual clock without sockets (`predict`).
 *
 * Clocks and the speed mapping. With `clock: 'wall'` and `speed: K`, simulated time runs K times
 * faster than real time, so a duration measured by a client maps back to simulated seconds as
 * `simulatedS = measuredS × K` (TTFT, ITL, TPOT, E2EL alike; rates in tokens/s divide by K).
 * The simulator itself paces events to within a fraction of a millisecond when it has CPU (its
 * lateness is reported in /health `simulator.lateness`); what remains is the client + loopback
 * overhead ε of any HTTP measurement (~1–2 ms per request on the 2-core CI box), which the
 * mapping multiplies by K: measured × K = TTFT + K·ε, where a client of a real server with that
 * TTFT would see TTFT + ε. Keeping the excess (K − 1)·ε within 2% needs K ≤ 1 + 0.02·TTFT/ε:
 * K ≤ 2 for TTFT ≥ 100 ms, K ≤ 10 for TTFT ≥ 1 s (vitest bench's default speed 10 is fine for
 * the multi-second TTFTs of long prompts, not for sub-second ones).
 * test/sim/speed-accuracy.test.ts measures it; test/sim/bench-sim.ts prints throughput figures.
 * `clock: 'virtual'` runs events as fast as the CPU allows (functional tests; timings are then
 * meaningless over HTTP, and responses carry `x-mlnode-sim-speed: virtual`).
 *
 * Every response carries `x-mlnode-sim: 1`, `x-mlnode-sim-speed: K`, `x-mlnode-sim-hardware`.
 * Times inside the simulated MLNode API (up/status `elapsed_seconds`) are simulated seconds.
 */
export { startSimulator } from './simulator.js'
export type { SimulatorHandle } from './simulator.js'
export { resolveSimulatorOptions, slowdownFromEnv } from './options.js'
export type { SimulatorOptions, ResolvedSimulatorOptions, TokenTraceEvent } from './options.js'
export { simulateRequests } from './simulate.js'
export type { SimulateRequestsInput, SimulatedRequest } from './simulate.js'
export { defaultPlanner } from './planner.js'
export { instancesFor } from './variant.js'
export type { DeployRequest, PlannedVariant, VariantPlanner } from './variant.js'
export { estimateTokens, drawOutputTokens, DEFAULT_EOS_PER_TOKEN } from './text.js'
export type { LifecycleTimings, UpStatus } from './deployment.js'
export { latenessBetween, LATENESS_BUCKETS_MS } from './clock.js'
export type { ClockLateness, LatenessWindow } from './clock.js'
