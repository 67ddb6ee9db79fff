/**
 * Sends one probe to an OpenAI-compatible chat endpoint and reads back the answer's logprobs
 * (`choices[0].logprobs.content`), as the validator reads them (completionapi ExtractLogits).
 */
import { redact } from '../errors.js'
import type { PositionLogprobs } from './compare-logits.js'

export interface ProbeEndpoint {
  /** API root without /v1. */
  inferenceUrl: string
  headers?: Record<string, string>
  /** Per-request bound. @default 300 s */
  timeoutMs?: number
}

/** A non-2xx answer, with the server's own message. */
export class ProbeHttpError extends Error {
  constructor(readonly status: number, readonly body: string) {
    super(`HTTP ${status}: ${redact(body.slice(0, 500))}`)
  }
}

/** The answer of one probe: per position, the token (as the server wrote it) and its top logprobs. */
export async function askProbe(endpoint: ProbeEndpoint, body: Record<string, unknown>): Promise<PositionLogprobs[]> {
  const response = await fetch(`${endpoint.inferenceUrl.replace(/\/+$/, '')}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...endpoint.headers },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(endpoint.timeoutMs ?? 300_000),
  })
  const text = await response.text()
  if (!response.ok) throw new ProbeHttpError(response.status, text)
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    throw new Error(`the answer is not JSON: ${redact(text.slice(0, 200))}`)
  }
  const content = (json as { choices?: Array<{ logprobs?: { content?: unknown } | null }> }).choices?.[0]?.logprobs?.content
  if (!Array.isArray(content)) throw new Error('the answer has no choices[0].logprobs.content although logprobs: true was asked')
  return content.map((c, i) => {
    const p = c as { token?: unknown; logprob?: unknown; top_logprobs?: unknown }
    if (typeof p.token !== 'string' || typeof p.logprob !== 'number' || !Array.isArray(p.top_logprobs)) throw new Error(`logprobs.content[${i}] is not {token, logprob, top_logprobs}`)
    return { token: p.token, logprob: p.logprob, top_logprobs: (p.top_logprobs as Array<{ token: string; logprob: number }>).map((t) => ({ token: String(t.token), logprob: Number(t.logprob) })) }
  })
}
