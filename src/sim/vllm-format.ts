/**
 * vLLM's OpenAI-compatible response shapes (vllm/entrypoints/openai: chat_completion/serving.py,
 * completion/serving.py, engine/protocol.py). Streaming chunks are serialized as vLLM does
 * (`model_dump_json(exclude_unset=True)`), so keys vLLM leaves unset are absent, not null:
 * - chat: first chunk `delta: {role: "assistant", content: ""}`; token chunks `delta: {content}`;
 *   the finishing chunk adds `finish_reason` and `stop_reason: null`;
 * - completions: every chunk has `text, logprobs, finish_reason, stop_reason`;
 * - with `stream_options.include_usage`, a last chunk with `choices: []` and `usage`;
 * - then `data: [DONE]`.
 */

/** Which OpenAI endpoint: /v1/chat/completions or /v1/completions. */
export type ApiKind = 'chat' | 'completion'

/** Token usage as vLLM reports it. */
export interface Usage {
  prompt_tokens: number
  total_tokens: number
  completion_tokens: number
}

/** vLLM's usage object. */
export function usageOf(promptTokens: number, completionTokens: number): Usage {
  return { prompt_tokens: promptTokens, total_tokens: promptTokens + completionTokens, completion_tokens: completionTokens }
}

/** Fields every chunk of one response shares. */
export interface ChunkHeader {
  id: string
  created: number
  model: string
}

/** One server-sent event carrying `payload` (JSON-encoded unless already a string). */
export function sse(payload: unknown): string {
  return `data: ${typeof payload === 'string' ? payload : JSON.stringify(payload)}\n\n`
}

/** The stream terminator vLLM sends. */
export const SSE_DONE = 'data: [DONE]\n\n'

/** The first chat chunk: role with empty content (compressa-perf's TTFT counts it). */
export function chatRoleChunk(h: ChunkHeader): object {
  return { id: h.id, object: 'chat.completion.chunk', created: h.created, model: h.model, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }] }
}

/** One token's chunk; `finishReason` set on the last token. */
export function tokenChunk(kind: ApiKind, h: ChunkHeader, text: string, finishReason: 'stop' | 'length' | null): object {
  if (kind === 'chat') {
    const choice = finishReason === null
      ? { index: 0, delta: { content: text }, logprobs: null, finish_reason: null }
      : { index: 0, delta: { content: text }, logprobs: null, finish_reason: finishReason, stop_reason: null }
    return { id: h.id, object: 'chat.completion.chunk', created: h.created, model: h.model, choices: [choice] }
  }
  return { id: h.id, object: 'text_completion', created: h.created, model: h.model, choices: [{ index: 0, text, logprobs: null, finish_reason: finishReason, stop_reason: null }] }
}

/** The last JSON chunk with `stream_options.include_usage`. */
export function usageChunk(kind: ApiKind, h: ChunkHeader, usage: Usage): object {
  return { id: h.id, object: kind === 'chat' ? 'chat.completion.chunk' : 'text_completion', created: h.created, model: h.model, choices: [], usage }
}

/** A whole non-streaming response. */
export function fullResponse(kind: ApiKind, h: ChunkHeader, text: string, finishReason: 'stop' | 'length', usage: Usage): object {
  if (kind === 'chat') {
    return {
      id: h.id,
      object: 'chat.completion',
      created: h.created,
      model: h.model,
      choices: [{ index: 0, message: { role: 'assistant', content: text, refusal: null, annotations: null, audio: null, function_call: null, tool_calls: [], reasoning_content: null }, logprobs: null, finish_reason: finishReason, stop_reason: null }],
      service_tier: null,
      system_fingerprint: null,
      usage: { ...usage, prompt_tokens_details: null },
      prompt_logprobs: null,
      kv_transfer_params: null,
    }
  }
  return {
    id: h.id,
    object: 'text_completion',
    created: h.created,
    model: h.model,
    choices: [{ index: 0, text, logprobs: null, finish_reason: finishReason, stop_reason: null, prompt_logprobs: null }],
    service_tier: null,
    system_fingerprint: null,
    usage: { ...usage, prompt_tokens_details: null },
    kv_transfer_params: null,
  }
}

/** vLLM's error body (current shape: `{"error": {message, type, param, code}}`). */
export function vllmError(status: number, type: string, message: string, param: string | null = null): object {
  return { error: { message, type, param, code: status } }
}

/** `/v1/models` for one served model. */
export function modelList(model: string, maxModelLen: number, created: number): object {
  return {
    object: 'list',
    data: [{
      id: model,
      object: 'model',
      created,
      owned_by: 'vllm',
      root: model,
      parent: null,
      max_model_len: maxModelLen,
      permission: [{ id: `modelperm-${model.length.toString(16).padStart(8, '0')}`, object: 'model_permission', created, allow_create_engine: false, allow_sampling: true, allow_logprobs: true, allow_search_indices: false, allow_view: true, allow_fine_tuning: false, organization: '*', group: null, is_blocking: false }],
    }],
  }
}

/**
 * Serializes token chunks of one response fast: the constant part of the chunk is rendered once,
 * only the token text is encoded per chunk. Byte-identical to `sse(tokenChunk(...))`.
 */
export function createTokenChunkWriter(kind: ApiKind, h: ChunkHeader): (text: string, finishReason: 'stop' | 'length' | null) => string {
  const probe = '\u0000TOKEN\u0000'
  const [head, tail] = JSON.stringify(tokenChunk(kind, h, probe, null)).split(JSON.stringify(probe)) as [string, string]
  return (text, finishReason) => (finishReason === null ? `data: ${head}${JSON.stringify(text)}${tail}\n\n` : sse(tokenChunk(kind, h, text, finishReason)))
}
