import { Pool } from 'undici'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SseParser, streamRequest } from '../../src/load/index.js'
import { chunkFrame, LAST_CHUNK, sseHead, startRaw, vllmChatEvents, type Started } from './helpers/server.js'

// Tokens with multi-byte UTF-8 (2, 3 and 4 bytes) and leading spaces that a per-read strip would lose.
const TOKENS = ['Hé', 'llo', ' wörld', ' 世界', ' 😀', ' ', '\n', ' end']
const EXPECTED_TEXT = TOKENS.join('')

/** The reference stream: vLLM-like, with a comment, a keep-alive, a multi-token chunk and a multi-line data field. */
function referenceStream(crlf: boolean): Buffer {
  const events = vllmChatEvents(TOKENS)
  // A comment and a keep-alive between events (proxies send these).
  events.splice(2, 0, ': keep-alive\n\n', ':\n')
  // A multi-line data field (joined with \n, still valid JSON) and an ignored event field.
  const multi = JSON.stringify({ choices: [{ index: 0, delta: { content: '' } }] }).replace('"choices":', '"choices":\n')
  events.splice(4, 0, `event: message\nid: 7\ndata: ${multi.split('\n').join('\ndata: ')}\n\n`)
  const text = events.join('')
  return Buffer.from(crlf ? text.replace(/\n/g, '\r\n') : text, 'utf8')
}

function parseAll(parts: Buffer[]): string[] {
  const out: string[] = []
  const parser = new SseParser({ onEvent: (d) => out.push(d) })
  for (const p of parts) parser.push(p)
  return out
}

describe('SseParser (byte stream)', () => {
  for (const crlf of [false, true]) {
    it(`gives identical events for every split position (${crlf ? 'CRLF' : 'LF'})`, () => {
      const stream = referenceStream(crlf)
      const whole = parseAll([stream])
      expect(whole.at(-1)).toBe('[DONE]')
      expect(whole.length).toBe(TOKENS.length + 4) // role + tokens + multi-line + usage + [DONE]
      for (let i = 1; i < stream.length; i++) {
        expect(parseAll([stream.subarray(0, i), stream.subarray(i)])).toEqual(whole)
      }
      // Three-way splits around every byte: catches CR|LF and multi-byte characters split twice.
      for (let i = 1; i + 1 < stream.length; i++) {
        expect(parseAll([stream.subarray(0, i), stream.subarray(i, i + 1), stream.subarray(i + 1)])).toEqual(whole)
      }
      // One byte per read.
      expect(parseAll(Array.from(stream, (_b, i) => stream.subarray(i, i + 1)))).toEqual(whole)
    })
  }

  it('handles lone CR line ends, a BOM, `data` without colon, and counts comments', () => {
    const out: string[] = []
    let comments = 0
    const parser = new SseParser({ onEvent: (d) => out.push(d), onComment: () => comments++ })
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(': ping\rdata:x\r\rdata\r\rdata:  two spaces\n\n', 'utf8')])
    for (let i = 0; i < bytes.length; i++) parser.push(bytes.subarray(i, i + 1))
    expect(out).toEqual(['x', '', ' two spaces'])
    expect(comments).toBe(1)
  })

  it('does not dispatch an unterminated last event', () => {
    const out: string[] = []
    const parser = new SseParser({ onEvent: (d) => out.push(d) })
    parser.push(Buffer.from('data: a\n\ndata: b\n'))
    expect(out).toEqual(['a'])
    expect(parser.hasPartial).toBe(true)
  })
})

describe('streamRequest over a real socket split at every byte', () => {
  let server: Started
  let pool: Pool
  beforeAll(async () => {
    server = await startRaw((socket, head) => {
      const stream = referenceStream(/x-crlf: 1/i.test(head))
      const split = Number(/x-split: (\d+)/i.exec(head)?.[1])
      socket.write(sseHead())
      socket.write(chunkFrame(stream.subarray(0, split)))
      // A separate write after a pause, so the client sees two reads split at `split`.
      setTimeout(() => socket.write(Buffer.concat([chunkFrame(stream.subarray(split)), Buffer.from(LAST_CHUNK)])), 1)
    })
    pool = new Pool(server.url, { connections: 16, pipelining: 1 })
  })
  afterAll(async () => {
    await pool.close()
    await server.close()
  })

  for (const crlf of [false, true]) {
    it(`measures the same request for every split (${crlf ? 'CRLF' : 'LF'})`, async () => {
      const length = referenceStream(crlf).length
      const splits = Array.from({ length: length - 1 }, (_, i) => i + 1)
      const records = await Promise.all(
        splits.map((split) =>
          streamRequest(pool, { baseUrl: server.url, model: 'm', headers: { 'x-split': String(split), 'x-crlf': crlf ? '1' : '0' } }, { model: 'm', messages: [] }, { keepText: true }),
        ),
      )
      for (const [i, record] of records.entries()) {
        const split = splits[i]
        expect(record.failure, `split at byte ${split}`).toBeUndefined()
        expect(record.outputText, `split at byte ${split}`).toBe(EXPECTED_TEXT)
        expect(record.contentChunkAtMs).toHaveLength(TOKENS.length)
        expect(record.completionTokens).toBe(TOKENS.length)
        expect(record.promptTokens).toBe(7)
        expect(record.tokensEstimated).toBe(false)
        expect(record.firstChunkAtMs).toBeDefined()
        expect(record.firstChunkAtMs!).toBeLessThanOrEqual(record.contentChunkAtMs[0]!)
      }
    })
  }
})
