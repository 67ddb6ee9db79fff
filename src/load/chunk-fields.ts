/**
 * Reading the fields of a parsed OpenAI stream chunk, and naming why a request failed: what
 * stream-request.ts and measured-stream.ts need beyond their hot path.
 */
import type { FailureReason } from '../contracts/records.js'
import { redact } from '../errors.js'
import type { StreamChunk } from './content-template.js'

/** vLLM bench's token chunk: a choice whose delta content (or completion text) is non-empty. */
export function choicesText(choices: NonNullable<StreamChunk['choices']>, endpoint: 'chat' | 'completions'): string {
  let text = ''
  for (const choice of choices) {
    if (choice === null || typeof choice !== 'object') continue
    if (endpoint === 'completions') {
      if (typeof choice.text === 'string') text += choice.text
      continue
    }
    const delta = choice.delta
    if (delta === undefined || delta === null) continue
    // Reasoning models (QwQ with a reasoning parser) stream their thinking as reasoning_content.
    for (const key of REASONING_AND_CONTENT) {
      const value = delta[key]
      if (typeof value === 'string') text += value
    }
    if (Array.isArray(delta.tool_calls) && delta.tool_calls.length > 0) text += JSON.stringify(delta.tool_calls)
  }
  return text
}

const REASONING_AND_CONTENT = ['reasoning_content', 'reasoning', 'content'] as const

export function numberOr(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback
}

export function errorText(event: StreamChunk): string {
  const error = event.error ?? event
  if (typeof error === 'string') return error
  if (error !== null && typeof error === 'object') {
    const inner = error as { message?: unknown; error?: { message?: unknown } }
    if (typeof inner.message === 'string') return inner.message
    if (inner.error !== undefined && typeof inner.error.message === 'string') return inner.error.message
  }
  return JSON.stringify(error).slice(0, 500)
}

export function classifyError(error: unknown, where: string): { reason: FailureReason; message: string } {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined
  const text = error instanceof Error ? error.message : String(error)
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT')
    return { reason: 'timeout_idle', message: `${where}: idle timeout (${String(code)}): ${text}` }
  if (code === 'UND_ERR_ABORTED' || code === 'ABORT_ERR') return { reason: 'aborted', message: `${where}: aborted: ${text}` }
  return { reason: 'connection', message: redact(`${where}: connection failed${code === undefined ? '' : ` (${String(code)})`}: ${text}`) }
}
