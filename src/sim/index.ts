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
 * The simulator paces events by sleeping (setTimeout, then short Atomics.wait slices: never a busy
 * spin, which on a shared machine makes the OS leave the process waiting for a CPU). When the
 * process still stalls past an event by more than 20 % of the event's step (at least 0.1 real
 * ms), it shifts the rest of the simulated timeline by the stall instead of emitting the missed
 * steps back to back: inter-token gaps stay right (except the one spanning the stall) and
 * durations spanning the stall run long by it; the shift is made up when nothing is scheduled.
 * /health `simulator.lateness` reports cumulative counters (events, mean/max lateness,
 * histogram, `driftMs` of shifts): a client diffs the snapshots before and after its workload
 * (`latenessBetween`); `driftShare` (stall time / wall time) is that run's pacing error
 * (durations long, rates short by about that share). test/sim/pacing-probe.ts measures per-gap
 * errors against the engine's schedule.
 * What remains is (1) the client + loopback overhead ε of any HTTP measurement (~0.5–2 ms per
 * request on the 2-core CI box), which the mapping multiplies by K: measured × K = TTFT + K·ε,
 * where a client of a real server with that TTFT would see TTFT + ε (K ≤ 1 + 0.02·TTFT/ε for 2%:
 * K ≤ 2 for TTFT ≥ 100 ms, K ≤ 10 for TTFT ≥ 1 s); and (2) the chunk rate: every token is one
 * socket write (~20 µs of syscall on this VM) and one client read + parse, so streams × K /
 * ITL_s chunks per second must stay under ~4k on the shared 2-core box (measured: 4k/s clean,
 * 7k/s client-side bursts, 10k/s and more: stalls of 20–50 % of the run), else it drifts.
 * Rule of thumb: K ≤ min(ITL_ms / 2, 4000 · ITL_s / streams). `SimulatorHandle.setSpeed(K)`
 * changes K between workloads (a high K for deploy waits and long prefills, a low one for
 * many-stream decode workloads).
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
export { defaultVariantResolver, createVariantResolver } from './resolve-variant.js'
export type { DeployRequest, ResolvedVariant, VariantResolver } from './variant.js'
export { estimateTokens, drawOutputTokens, DEFAULT_EOS_PER_TOKEN } from './text.js'
export type { LifecycleTimings, UpStatus } from './deployment.js'
export { latenessBetween, LATENESS_BUCKETS_MS } from './clock.js'
export type { ClockLateness, LatenessWindow } from './clock.js'
