/** Stable metric ids: the last component of a baseline key (model › variant › workload › metric). */
export type MetricId =
  | 'ttftMs'
  | 'tpotMs'
  | 'itlMs'
  | 'e2elMs'
  | 'failedRequests'
  | 'requestsPerS'
  | 'inputTokensPerS'
  | 'outputTokensPerS'
  | 'totalTokensPerS'
  | 'goodputRequestsPerS'
  | 'deployS'
  /** A PoC workload's artifacts per minute (docs/poc.md). */
  | 'noncesPerMin'
  /** A sweep's capacity at SLO (docs/metrics.md "Capacity at SLO"). */
  | 'capacityAtSlo'
