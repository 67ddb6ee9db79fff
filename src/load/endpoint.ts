/**
 * Where a streaming request goes and what it sends: the endpoint under the server root, and the
 * JSON payload (streaming with usage unless the body says otherwise).
 */
import { redact } from '../errors.js'

/** `/v1/chat/completions` or `/v1/completions` under the base URL (which has no `/v1`). */
export function endpointPath(baseUrl: string, endpoint: 'chat' | 'completions'): { origin: string; path: string } {
  const url = new URL(baseUrl)
  const prefix = url.pathname.replace(/\/+$/, '')
  return { origin: url.origin, path: `${prefix}/v1/${endpoint === 'chat' ? 'chat/completions' : 'completions'}` }
}

/**
 * endpointPath plus the redacted `POST <url>` for messages, memoized: URL parsing and redaction
 * cost ~25 µs per request, paid 512 times in a row in an all-at-once burst (test/perf/overhead.ts).
 */
export function endpointOf(baseUrl: string, endpoint: 'chat' | 'completions'): { origin: string; path: string; where: string } {
  const key = `${endpoint} ${baseUrl}`
  let found = ENDPOINTS.get(key)
  if (found === undefined) {
    const { origin, path } = endpointPath(baseUrl, endpoint)
    found = { origin, path, where: redact(`POST ${origin}${path}`) }
    if (ENDPOINTS.size >= MAX_ENDPOINTS) ENDPOINTS.clear()
    ENDPOINTS.set(key, found)
  }
  return found
}
const ENDPOINTS = new Map<string, { origin: string; path: string; where: string }>()
const MAX_ENDPOINTS = 64

/** The JSON text `streamRequest` sends for `body`: streaming with usage unless the body says otherwise. */
export function requestPayload(body: Record<string, unknown>): string {
  return JSON.stringify({ stream: true, stream_options: { include_usage: true }, ...body })
}
