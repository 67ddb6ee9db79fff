/**
 * Server-sent events parsed as a BYTE stream (WHATWG HTML §9.2.6 "event stream interpretation"):
 * lines end at LF, CR or CRLF wherever the network split them; a line is decoded as UTF-8 only once
 * it is complete, so a read that ends inside a multi-byte character or right after `data: ` cannot
 * corrupt an event (the bug of vLLM's bench client, docs/metrics.md "Client timing"). Comments (`:`) and keep-alives
 * are skipped, multi-line `data:` fields are joined with `\n`, other fields (event/id/retry) are ignored.
 */

/** Receives each complete event's data, synchronously inside `push` (so callers stamp time once per read). */
export interface SseSink {
  onEvent(data: string): void
  /** A `:` comment line (keep-alive, or the simulator's stamps): its text after the colon. */
  onComment?(text: string): void
}

const LF = 10
const CR = 13
const COLON = 58
const SPACE = 32

export class SseParser {
  private pending: Buffer | null = null
  private data: string | null = null
  /** The previous read ended with CR: a leading LF in the next read belongs to it (CRLF split). */
  private skipLf = false
  private atStart = true

  constructor(private readonly sink: SseSink) {}

  /** Feeds one network read; complete events are delivered before it returns. */
  push(chunk: Buffer): void {
    const buf = this.pending === null ? chunk : Buffer.concat([this.pending, chunk])
    this.pending = null
    let start = 0
    if (this.atStart) {
      if (buf.length < 3 && buf.length > 0 && buf[0] === 0xef) {
        this.pending = buf // may be a split BOM
        return
      }
      this.atStart = false
      if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) start = 3
    }
    if (this.skipLf) {
      this.skipLf = false
      if (buf[start] === LF) start++
    }
    const length = buf.length
    let lf = buf.indexOf(LF, start)
    let cr = buf.indexOf(CR, start)
    while (lf !== -1 || cr !== -1) {
      let eol: number
      let next: number
      if (cr !== -1 && (lf === -1 || cr < lf)) {
        eol = cr
        if (cr + 1 < length) next = buf[cr + 1] === LF ? cr + 2 : cr + 1
        else {
          next = cr + 1
          this.skipLf = true
        }
      } else {
        eol = lf
        next = lf + 1
      }
      this.line(buf, start, eol)
      start = next
      if (lf !== -1 && lf < start) lf = buf.indexOf(LF, start)
      if (cr !== -1 && cr < start) cr = buf.indexOf(CR, start)
    }
    if (start < length) this.pending = start === 0 ? buf : buf.subarray(start)
  }

  /** Bytes received after the last complete line (an unterminated event is not dispatched, per spec). */
  get hasPartial(): boolean {
    return this.pending !== null || this.data !== null
  }

  private line(buf: Buffer, start: number, end: number): void {
    if (start === end) {
      // Blank line: dispatch the event, if it had data.
      if (this.data !== null) {
        const data = this.data
        this.data = null
        this.sink.onEvent(data)
      }
      return
    }
    const first = buf[start]
    if (first === COLON) {
      this.sink.onComment?.(buf.toString('utf8', start + 1, end))
      return
    }
    // Field name "data" followed by end of line or ':' (fast path, byte compare).
    if (
      first === 100 &&
      buf[start + 1] === 97 &&
      buf[start + 2] === 116 &&
      buf[start + 3] === 97 &&
      (end === start + 4 || buf[start + 4] === COLON)
    ) {
      let valueStart = start + 5
      if (valueStart < end && buf[valueStart] === SPACE) valueStart++
      const value = valueStart >= end ? '' : buf.toString('utf8', valueStart, end)
      this.data = this.data === null ? value : this.data + '\n' + value
    }
    // event:, id:, retry: and unknown fields carry nothing we measure.
  }
}
