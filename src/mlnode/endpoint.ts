/**
 * A base URL split into what undici needs (origin, path prefix, query, auth header) and what
 * messages may show (`display`, credentials removed). `http://user:pass@host/x?token=t` →
 * origin `http://host`, Basic auth header, query kept on every request, display
 * `http://***@host/x?token=***`.
 */
import { MlnodeBenchError, redact } from '../errors.js'

export interface Endpoint {
  origin: string
  /** Path prefix without trailing slash (`''` for the root). */
  basePath: string
  /** Query of the base URL (`?token=…`) appended to every request, `''` when none. */
  query: string
  /** Basic credentials from `user:pass@`, as a header value. */
  authorization: string | undefined
  /** The URL safe for messages and logs. */
  display: string
}

export function parseEndpoint(url: string, what: string): Endpoint {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch (cause) {
    throw new MlnodeBenchError('MLNB_CONFIG', `${what} is not a URL: '${redact(url)}'`, { cause })
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new MlnodeBenchError('MLNB_CONFIG', `${what} must be http(s), got '${redact(url)}'`)
  }
  const authorization =
    parsed.username === '' && parsed.password === ''
      ? undefined
      : `Basic ${Buffer.from(`${decodeURIComponent(parsed.username)}:${decodeURIComponent(parsed.password)}`).toString('base64')}`
  return {
    origin: parsed.origin,
    basePath: parsed.pathname.replace(/\/+$/, ''),
    query: parsed.search,
    authorization,
    display: redact(url),
  }
}

/** Request path (prefix + path + base query) for `path` under the endpoint. */
export function requestPath(endpoint: Endpoint, path: string): string {
  if (endpoint.query === '') return `${endpoint.basePath}${path}`
  return `${endpoint.basePath}${path}${path.includes('?') ? `&${endpoint.query.slice(1)}` : endpoint.query}`
}
