/**
 * What a real MLNode result was measured on, beyond the GPUs' model: the GPU names /health lists,
 * the NVIDIA driver and the CUDA version it supports (`GET /api/v1/gpu/driver`, gonka-ai/gonka
 * mlnode/packages/api/src/api/gpu/routes.py: `{driver_version, cuda_driver_version,
 * nvml_version}`), vLLM's version where its `/version` route answers, and the model's revision
 * when MLNode's cache names one (`POST /api/v1/models/status`). Every part is best effort: a
 * route that is missing or refuses leaves its field out.
 */
import { Pool } from 'undici'
import type { NodeEnvironment } from '../contracts/results.js'
import { parseEndpoint } from './endpoint.js'
import { callJson } from './http.js'

async function getJson(url: string, path: string, body?: unknown): Promise<Record<string, unknown> | undefined> {
  const endpoint = parseEndpoint(url, 'URL')
  const pool = new Pool(endpoint.origin, { connections: 1 })
  try {
    const answer = await callJson(pool, endpoint, { method: body === undefined ? 'GET' : 'POST', path, ...(body === undefined ? {} : { body }), timeoutMs: 10_000 })
    return answer.statusCode === 200 && typeof answer.json === 'object' && answer.json !== null ? (answer.json as Record<string, unknown>) : undefined
  } catch {
    return undefined
  } finally {
    await pool.close()
  }
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined)

export async function readNodeEnvironment(input: { mgmtUrl: string; inferenceUrl: string; model: string; gpus: readonly string[] }): Promise<NodeEnvironment> {
  const [driver, vllm, cache] = await Promise.all([
    getJson(input.mgmtUrl, '/api/v1/gpu/driver'),
    getJson(input.inferenceUrl, '/version'),
    getJson(input.mgmtUrl, '/api/v1/models/status', { hf_repo: input.model, hf_commit: null }),
  ])
  const commit = str((cache?.model as { hf_commit?: unknown } | undefined)?.hf_commit)
  const env: NodeEnvironment = {
    ...(input.gpus.length > 0 ? { gpus: [...input.gpus] } : {}),
    ...(str(driver?.driver_version) ? { driverVersion: str(driver?.driver_version)! } : {}),
    ...(str(driver?.cuda_driver_version) ? { cudaDriverVersion: str(driver?.cuda_driver_version)! } : {}),
    ...(str(vllm?.version) ? { vllmVersion: str(vllm?.version)! } : {}),
    ...(commit ? { modelCommit: commit } : {}),
  }
  return env
}
