/**
 * Multi-turn conversations, JSONL in OpenAI's chat format: one conversation a line,
 * `{"messages":[{"role":"system"|"user"|"assistant","content":"…"}, …]}`. Each user message is one
 * request whose body carries every message before it (system prompt, earlier user turns and the
 * RECORDED assistant answers, so bodies do not depend on what the server answered and runs stay
 * deterministic) and the user message itself; a conversation's requests are consecutive indexes,
 * sent one after another (load-loops.ts follows `turnOf`). The recorded answer after a user
 * message gives its max_tokens (estimated tokens) unless told otherwise.
 */
import type { ConversationPromptSpec } from '../../contracts/workload.js'
import { estimateTokens } from '../../text/tokens.js'
import { badRecord, jsonLines, readDatasetFile } from './read.js'

const KIND = 'Conversations'
const ROLES = new Set(['system', 'user', 'assistant'])

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant'
  content: string
}

/** One request of a conversation. */
export interface ConversationTurn {
  conversation: number
  /** 0 for a conversation's first request. */
  turn: number
  /** The history and this turn's user message. */
  messages: ChatMessage[]
  /** Estimated tokens of the recorded answer, if the file has one. */
  answerTokens: number | undefined
}

/** Parses the file's text into conversations of turns; throws naming the line and field of a bad record. */
export function parseConversations(path: string, text: string): ConversationTurn[][] {
  return jsonLines(KIND, path, text).map(({ line, value }, conversation) => {
    const where = `line ${line}`
    const messages = (value as { messages?: unknown } | null)?.messages
    if (!Array.isArray(messages) || messages.length === 0) throw badRecord(KIND, path, where, 'messages', 'must be a non-empty array of { role, content }', messages)
    const checked = messages.map((m, k): ChatMessage => {
      const { role, content } = (m ?? {}) as { role?: unknown; content?: unknown }
      if (typeof role !== 'string' || !ROLES.has(role)) throw badRecord(KIND, path, where, `messages[${k}].role`, "must be 'system', 'user' or 'assistant'", role)
      if (typeof content !== 'string') throw badRecord(KIND, path, where, `messages[${k}].content`, 'must be a string', content)
      return { role: role as ChatMessage['role'], content }
    })
    const turns: ConversationTurn[] = []
    checked.forEach((m, k) => {
      if (m.role !== 'user') return
      const next = checked[k + 1]
      turns.push({ conversation, turn: turns.length, messages: checked.slice(0, k + 1), answerTokens: next?.role === 'assistant' ? estimateTokens(next.content) : undefined })
    })
    if (turns.length === 0) throw badRecord(KIND, path, where, 'messages', 'has no user message')
    return turns
  })
}

/** The file's turns, conversation by conversation. */
export async function loadConversations(spec: ConversationPromptSpec, baseDir?: string): Promise<{ path: string; turns: ConversationTurn[] }> {
  const { path, text } = await readDatasetFile(KIND, spec.conversations, baseDir)
  return { path, turns: parseConversations(path, text).flat() }
}
