/** The shape of one side-by-side table (comparison.ts builds it; sweep and PoC rows fill it too). */
/** One model › workload's comparison as cells: what the console table and the HTML report show. */
export interface ComparisonTable {
  /** Where and how it was measured ("simulated 8xh100 (simulated time), dtype auto"). */
  measuredOn: string
  header: string[]
  /** One row per variant: its name (marked FAILED) then one cell per column, `*` on the best value. */
  body: string[][]
  /** Variants whose row is a failure, with the first line of why. */
  failures: Array<{ variant: string; message: string }>
  /** Per variant, what its vLLM /metrics pages said (KV use, queue, preemptions…), where read. */
  server: Array<{ variant: string; line: string }>
  recommendation: string
}
