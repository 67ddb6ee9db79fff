/**
 * MLNode's own bound on a vLLM start-up: runner.py waits WAIT_FOR_SERVER_TIMEOUT = 1200 s (env
 * VLLM_RUNNER_TIMEOUT) for a replica, then fails the start (docs/mlnode.md "Lifecycle"). A suite
 * that waits longer than that waits for nothing: MLNode gives up first, unless the host raised it.
 */

/** runner.py's default WAIT_FOR_SERVER_TIMEOUT, seconds. */
export const MLNODE_STARTUP_LIMIT_S = 1200

/** The warning for a deploy timeout beyond MLNode's start-up limit, or undefined. */
export function deployTimeoutWarning(deployTimeoutS: number, subject: string): string | undefined {
  if (deployTimeoutS <= MLNODE_STARTUP_LIMIT_S) return undefined
  return `⚠ ${subject}: deployTimeoutS ${deployTimeoutS} s is longer than MLNode's own start-up limit (${MLNODE_STARTUP_LIMIT_S} s, runner.py WAIT_FOR_SERVER_TIMEOUT): MLNode fails a start that takes longer unless VLLM_RUNNER_TIMEOUT is raised on the node`
}
