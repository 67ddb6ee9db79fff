/**
 * One JSON call over undici with a hard timeout, mapped onto our error codes:
 * no answer in time → MLNB_MLNODE_TIMEOUT, refused/reset connection → MLNB_MLNODE_REFUSED,
 * unreadable or non-JSON body → MLNB_MLNODE_BAD_BODY, caller's signal → MLNB_ABORTED.
 * Messages name method, path and the redacted endpoint (`Request timed out: POST /x`, as undici).
 */
import type { Pool } from 'undici'
import { MlnodeBenchError, redact } from '../errors.js'
import { requestPath, type Endpoint } from './endpoint.js'

export interface CallOptions {
  method: 'GET' | 'POST'
  path: string
  body?: unknown
  timeoutMs: number
  signal?: AbortSignal
  headers?: Record<string, string>
}

export interface CallAnswer {
  statusCode: number
  /** Parsed JSON, or undefined when the body was not JSON (`text` then holds it). */
  json: unknown
  text: string
}

/** Connection-level failures that mean "nobody is listening / the server went away". */
const REFUSED_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN'])
const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT', 'ETIMEDOUT'])

/** Error codes anywhere in a cause chain or AggregateError (happy-eyeballs connects). */
function codesOf(error: unknown, depth = 0): string[] {
  if (typeof error !== 'object' || error === null || depth > 4) return []
  const own = (error as { code?: unknown }).code
  const codes = typeof own === 'string' ? [own] : []
  const nested = (error as { errors?: unknown }).errors
  if (Array.isArray(nested)) for (const inner of nested) codes.push(...codesOf(inner, depth + 1))
  codes.push(...codesOf((error as { cause?: unknown }).cause, depth + 1))
  return codes
}

export function label(endpoint: Endpoint, method: string, path: string): string {
  return `${method} ${path} at ${endpoint.display}`
}

export async function callJson(pool: Pool, endpoint: Endpoint, options: CallOptions): Promise<CallAnswer> {
  const { method, path, timeoutMs, signal } = options
  const subject = label(endpoint, method, path)
  const details = { method, path, endpoint: endpoint.display }
  if (signal?.aborted) throw new MlnodeBenchError('MLNB_ABORTED', `Aborted before ${subject}`, { details })
  const timeout = new AbortController()
  const timer = setTimeout(() => timeout.abort(), timeoutMs)
  const onAbort = (): void => timeout.abort()
  signal?.addEventListener('abort', onAbort, { once: true })
  const fail = (error: unknown, stage: 'connect' | 'body'): MlnodeBenchError => {
    if (error instanceof MlnodeBenchError) return error
    if (signal?.aborted) return new MlnodeBenchError('MLNB_ABORTED', `Aborted during ${subject}`, { cause: error, details })
    const codes = codesOf(error)
    if (timeout.signal.aborted || codes.some((code) => TIMEOUT_CODES.has(code))) {
      return new MlnodeBenchError('MLNB_MLNODE_TIMEOUT', `Request timed out: ${subject} gave no complete answer within ${timeoutMs} ms`, {
        cause: error,
        details: { ...details, timeoutMs },
      })
    }
    const text = redact(error instanceof Error ? error.message : String(error))
    if (stage === 'body') {
      return new MlnodeBenchError('MLNB_MLNODE_BAD_BODY', `Truncated or unreadable body from ${subject}: ${text}`, { cause: error, details })
    }
    if (codes.some((code) => REFUSED_CODES.has(code))) {
      const refused = codes.includes('ECONNREFUSED')
      return new MlnodeBenchError(
        'MLNB_MLNODE_REFUSED',
        `${refused ? 'Connection refused' : 'Connection lost before an answer'}: ${subject} (${codes.join(', ')})`,
        { cause: error, details: { ...details, codes } },
      )
    }
    return new MlnodeBenchError('MLNB_MLNODE_HTTP', `Request failed: ${subject}: ${text}`, { cause: error, details })
  }
  try {
    const headers: Record<string, string> = { accept: 'application/json', ...options.headers }
    if (endpoint.authorization !== undefined) headers.authorization = endpoint.authorization
    let payload: string | undefined
    if (options.body !== undefined) {
      payload = JSON.stringify(options.body)
      headers['content-type'] = 'application/json'
    }
    let response: Awaited<ReturnType<Pool['request']>>
    try {
      response = await pool.request({
        method,
        path: requestPath(endpoint, path),
        headers,
        body: payload ?? null,
        signal: timeout.signal,
        // Our own timer bounds the whole call; undici's would only fire later.
        headersTimeout: timeoutMs + 1_000,
        bodyTimeout: timeoutMs + 1_000,
      })
    } catch (error) {
      throw fail(error, 'connect')
    }
    let text: string
    try {
      text = await response.body.text()
    } catch (error) {
      throw fail(error, 'body')
    }
    let json: unknown
    try {
      json = text.trim() === '' ? undefined : JSON.parse(text)
    } catch {
      json = undefined
    }
    return { statusCode: response.statusCode, json, text }
  } finally {
    clearTimeout(timer)
    signal?.removeEventListener('abort', onAbort)
  }
}

/** The first 200 characters of a body, credentials removed, for messages. */
export function snippet(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim()
  return redact(flat.length > 200 ? `${flat.slice(0, 200)}…` : flat)
}
