import { setImmediate as nextCheck } from 'node:timers/promises'
import { Pool } from 'undici'
import { afterEach, describe, expect, it } from 'vitest'
import { createReadStamp, streamRequest } from '../../src/load/index.js'
import { chunkFrame, LAST_CHUNK, sseHead, startRaw, vllmChatEvents, type Started } from './helpers/server.js'

/** A clock that advances 1 ms per reading (only clocks are faked: time and the loop's iteration count). */
function steppingClock(): () => number {
  let t = 0
  return () => ++t
}

describe('createReadStamp', () => {
  it("'read' stamps every delivery", () => {
    const stamp = createReadStamp(steppingClock(), 'read')()
    expect([stamp(), stamp(), stamp()]).toEqual([1, 2, 3])
  })

  it("'poll' gives the first delivery of every stream in one poll phase the phase's first stamp", async () => {
    const iteration = 7
    const streams = createReadStamp(steppingClock(), 'poll', () => iteration)
    const [a, b, c] = [streams(), streams(), streams()]
    expect([a(), b(), c()]).toEqual([1, 1, 1])
    await nextCheck() // the check phase ends the batch
    expect([b(), a()]).toEqual([2, 2])
  })

  it("'poll' gives a stream's second delivery in the same phase a fresh reading (its bytes may be newer)", () => {
    const streams = createReadStamp(steppingClock(), 'poll', () => 1)
    const [a, b] = [streams(), streams()]
    expect(a()).toBe(1)
    expect(a()).toBe(2) // fresh, does not start a new batch
    expect(b()).toBe(1)
    expect(a()).toBe(3)
  })

  it("'poll' never lends a stamp to a later loop iteration, even before the check phase ran", () => {
    // A stamp taken in a check phase (its closing immediate only runs a turn later) must not serve
    // the next poll phase: the loop count tells them apart.
    let iteration = 3
    const streams = createReadStamp(steppingClock(), 'poll', () => iteration)
    const [a, b] = [streams(), streams()]
    expect(a()).toBe(1)
    iteration++
    expect([b(), a()]).toEqual([2, 2])
  })

  it("'poll' shares one stamp among at most 768 streams (libuv's 1024-event wait)", () => {
    const streams = createReadStamp(steppingClock(), 'poll', () => 1)
    const stamps = Array.from({ length: 800 }, () => streams()())
    expect(stamps.filter((s) => s === 1)).toHaveLength(768)
    expect(stamps.slice(768).every((s) => s === 2)).toBe(true)
  })
})

describe('streamRequest with a poll-phase stamper', () => {
  let server: Started | undefined
  afterEach(async () => {
    await server?.close()
    server = undefined
  })

  it('never gives a chunk that came in the same read as the head, or after another chunk, the batch stamp', async () => {
    // Head + role + two token frames in ONE write, then a later write: with a fake loop count that
    // never changes and no check phase in between, only fresh readings may serve the frames.
    const events = vllmChatEvents([' a', ' b', ' c'])
    server = await startRaw((socket) => {
      socket.write(Buffer.concat([Buffer.from(sseHead()), ...events.slice(0, 3).map((e) => chunkFrame(e))]))
      setTimeout(() => socket.end(Buffer.concat([...events.slice(3).map((e) => chunkFrame(e)), Buffer.from(LAST_CHUNK)])), 20)
    })
    // The stamper reads a stepping clock: the head takes reading 1 as the batch stamp.
    const stamps = createReadStamp(steppingClock(), 'poll', () => 1)
    const pool = new Pool(server.url)
    try {
      const record = await streamRequest(pool, { baseUrl: server.url, model: 'm' }, { model: 'm', messages: [] }, { readStamp: stamps() })
      expect(record.failure).toBeUndefined()
      // The role frame, ' a' and ' b' came in the head's read: fresh readings 2, 3 and 4, never the
      // batch stamp 1 (the role chunk carries no content); ' c' came later: a later batch's stamp.
      expect(record.contentChunkAtMs.slice(0, 2)).toEqual([3, 4])
      expect(record.contentChunkAtMs[2]).toBeGreaterThanOrEqual(5)
    } finally {
      await pool.destroy()
    }
  })
})
