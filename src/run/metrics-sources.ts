/**
 * Where a deployed variant's vLLM /metrics pages are. vLLM serves its Prometheus page at the root
 * of its API server; MLNode's proxy forwards only `/v1/*` (docs/mlnode.md "Proxy"), and its
 * replicas listen on ports 5001+i inside the container, so a real node's pages are reachable only
 * where the host publishes those ports: `MLNODE_BENCH_METRICS_URL` names them with `{port}`.
 */
import { MlnodeBenchError } from '../errors.js'
import type { Layout, TargetInfo } from '../contracts/results.js'

export interface MetricsSources {
  urls: string[]
  /** Why there are no pages (or fewer than replicas). */
  unavailable: string[]
}

/** MLNode's runner: replica i listens on port 5001 + i (mlnode/packages/api, inference runner). */
export const FIRST_REPLICA_PORT = 5001

/** The pages of one replica each, from the `{port}` template; checked once, where it is read. */
/** What the pages' places depend on of a deployed variant (target.ts's DeployedVariant has it). */
export interface DeployedPlacement {
  target: Pick<TargetInfo, 'kind'>
  layout?: Pick<Layout, 'instances'>
}

export function mlnodeMetricsSources(deployed: DeployedPlacement, inferenceUrl: string, template = process.env.MLNODE_BENCH_METRICS_URL): MetricsSources {
  // A simulator posing as MLNode serves every replica's figures on its inference port.
  if (deployed.target.kind === 'simulated') return { urls: [`${inferenceUrl}/metrics`], unavailable: [] }
  if (!template)
    return {
      urls: [],
      unavailable: ["MLNode's proxy forwards only /v1/*: set MLNODE_BENCH_METRICS_URL=http://<gpu host>:{port}/metrics where the replicas' ports (5001, 5002… in the container) are published"],
    }
  const instances = deployed.layout?.instances ?? 1
  return { urls: Array.from({ length: instances }, (_, i) => expandTemplate(template, FIRST_REPLICA_PORT + i)), unavailable: [] }
}

function expandTemplate(template: string, port: number): string {
  const url = template.replaceAll('{port}', String(port))
  try {
    const parsed = new URL(url)
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error('not http')
  } catch {
    throw new MlnodeBenchError('MLNB_CONFIG', `MLNODE_BENCH_METRICS_URL="${template}" is not an http(s) URL template, e.g. http://gpu-host:{port}/metrics`, { details: { variable: 'MLNODE_BENCH_METRICS_URL', value: template } })
  }
  return url
}
