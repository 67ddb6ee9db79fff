/**
 * Least-connections choice over healthy replicas, as MLNode's proxy does
 * (docs/mlnode.md "Proxy": least connections over healthy replicas). Ties go to the lowest index,
 * so the choice is deterministic.
 */

/** What the balancer needs to know about a replica. */
export interface BalancedReplica {
  readonly healthy: boolean
  readonly inFlight: number
}

/** Index of the healthy replica with the fewest in-flight requests, or -1 when none is healthy. */
export function pickLeastConnections(replicas: ReadonlyArray<BalancedReplica>): number {
  let best = -1
  for (let i = 0; i < replicas.length; i++) {
    const r = replicas[i]!
    if (!r.healthy) continue
    if (best < 0 || r.inFlight < replicas[best]!.inFlight) best = i
  }
  return best
}
