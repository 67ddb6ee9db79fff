import { describe, expect, it } from 'vitest'
import type { RequestRecord } from '../../src/contracts/records.js'
import { formatProgress, progressIntervalS, progressMode, progressText, startProgress } from '../../src/run/progress.js'

const record = (completionTokens: number, failed = false, warmup = false): RequestRecord => ({
  index: 0, warmup, scheduledAtMs: 0, sentAtMs: 0, contentChunkAtMs: [], endAtMs: 0, promptTokens: 10, completionTokens, tokensEstimated: false,
  ...(failed ? { failure: { reason: 'http_status' as const, message: 'HTTP 500' } } : {}),
})

describe('progress line (pure)', () => {
  const figures = { label: '[m tp4] chat', total: 100, done: 25, inFlight: 8, failed: 1, outputTokens: 4800, elapsedS: 30 }
  it('shows done/total, in flight, failed, output tok/s, elapsed and ETA', () => {
    // 25 of 100 in 30 s → 90 s left; 4800 tokens over 30 s.
    expect(formatProgress(figures)).toBe('[m tp4] chat: 25/100 requests done, 8 in flight, 1 failed, 160.0 out tok/s, 30 s elapsed, ETA 90 s')
    expect(formatProgress({ ...figures, done: 0, outputTokens: 0, elapsedS: 4000 })).toBe('[m tp4] chat: 0/100 requests done, 8 in flight, 1 failed, 0.0 out tok/s, 67 min elapsed')
  })
  it('on a terminal starts with a carriage return (redrawn in place), plain otherwise', () => {
    expect(progressText(figures, 'tty')).toBe(`\r${formatProgress(figures)}`)
    expect(progressText(figures, 'plain')).toBe(formatProgress(figures))
    expect(progressText(figures, 'plain')).not.toMatch(/[\r\n\x1b]/)
  })
  it('knows a terminal from the stream, or from Vitest in the processes that run suites', () => {
    expect(progressMode({ isTTY: true }, {})).toBe('tty')
    expect(progressMode({}, {})).toBe('plain')
    expect(progressMode({ isTTY: false }, { FORCE_TTY: 'true' })).toBe('tty')
    expect(progressMode({ isTTY: false }, { FORCE_TTY: '' })).toBe('plain')
    expect(progressMode({ isTTY: true }, { TERM: 'dumb' })).toBe('plain')
  })
})

describe('workload progress (fake clock)', () => {
  it('plain: a line per interval with the counts so far', () => {
    let nowMs = 0
    const lines: string[] = []
    const p = startProgress({ label: '[m tp4] chat', total: 100, intervalS: 10, print: (l) => lines.push(l), now: () => nowMs })
    p.sent(true) // a warm-up: not counted
    for (let i = 0; i < 33; i++) p.sent(false)
    p.done(record(50, false, true))
    for (let i = 0; i < 25; i++) p.done(record(200, i === 3))
    nowMs = 9_000
    p.tick()
    expect(lines).toEqual([]) // not yet 10 s
    nowMs = 30_000
    p.tick()
    p.stop()
    // 24 ok × 200 tokens over 30 s; 25 of 100 in 30 s → 90 s left; 33 sent − 25 done in flight.
    expect(lines).toEqual(['[m tp4] chat: 25/100 requests done, 8 in flight, 1 failed, 160.0 out tok/s, 30 s elapsed, ETA 90 s'])
    expect(p.printed).toBe(true)
  })

  it('tty: redrawn every second, and a last time at the end', () => {
    let nowMs = 0
    const texts: string[] = []
    const p = startProgress({ label: 'x', total: 2, intervalS: 10, mode: 'tty', print: (t) => texts.push(t), now: () => nowMs })
    p.sent(false)
    p.sent(false)
    nowMs = 500
    p.tick()
    expect(texts).toEqual([])
    nowMs = 1_000
    p.tick()
    p.done(record(10))
    nowMs = 2_000
    p.tick()
    p.done(record(10))
    p.stop()
    expect(texts).toEqual([
      '\rx: 0/2 requests done, 2 in flight, 0 failed, 0.0 out tok/s, 1 s elapsed',
      '\rx: 1/2 requests done, 1 in flight, 0 failed, 5.0 out tok/s, 2 s elapsed, ETA 2 s',
      '\rx: 2/2 requests done, 0 in flight, 0 failed, 10.0 out tok/s, 2 s elapsed, ETA 0 s',
    ])
  })

  it('a short run prints nothing, and interval 0 turns it off; the interval comes from MLNODE_BENCH_PROGRESS_S', () => {
    const lines: string[] = []
    let nowMs = 0
    const short = startProgress({ label: 'x', total: 1, intervalS: 10, mode: 'tty', print: (l) => lines.push(l), now: () => nowMs })
    nowMs = 900
    short.done(record(1))
    short.stop()
    const off = startProgress({ label: 'x', total: 1, intervalS: 0, mode: 'tty', print: (l) => lines.push(l), now: () => nowMs })
    nowMs = 1e9
    off.tick()
    off.stop()
    expect(lines).toEqual([])
    expect(progressIntervalS({ MLNODE_BENCH_PROGRESS_S: '0' })).toBe(0)
    expect(progressIntervalS({ MLNODE_BENCH_PROGRESS_S: '30' })).toBe(30)
    expect(() => progressIntervalS({ MLNODE_BENCH_PROGRESS_S: 'soon' })).toThrow(/MLNODE_BENCH_PROGRESS_S="soon": expected a number of seconds/)
    expect(progressIntervalS({})).toBe(10)
  })
})

describe('terminal redraws follow a shorter interval', () => {
  it('redraws at MLNODE_BENCH_PROGRESS_S when it is under a second', () => {
    let nowMs = 0
    const texts: string[] = []
    const p = startProgress({ label: 'x', total: 4, intervalS: 0.2, mode: 'tty', print: (t) => texts.push(t), now: () => nowMs })
    for (const at of [100, 200, 300, 400]) {
      nowMs = at
      p.tick()
    }
    p.stop()
    // At 200 and 400 ms, then the last redraw at stop().
    expect(texts).toHaveLength(3)
    expect(texts.every((t) => t.startsWith('\rx: 0/4 requests done'))).toBe(true)
  })
})
