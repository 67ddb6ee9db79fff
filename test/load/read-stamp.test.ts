import { setImmediate as nextCheck } from 'node:timers/promises'
import { describe, expect, it } from 'vitest'
import { createReadStamp } from '../../src/load/index.js'

/** A clock that advances 1 ms per reading (only the clock is mocked). */
function steppingClock(): () => number {
  let t = 0
  return () => ++t
}

describe('createReadStamp', () => {
  it("'read' stamps every read", () => {
    const stamp = createReadStamp(steppingClock(), 'read')
    expect([stamp(), stamp(), stamp()]).toEqual([1, 2, 3])
  })

  it("'poll' gives reads of one event-loop phase the first read's stamp, and a new one after it", async () => {
    const stamp = createReadStamp(steppingClock(), 'poll')
    expect([stamp(), stamp(), stamp()]).toEqual([1, 1, 1])
    await nextCheck()
    expect([stamp(), stamp()]).toEqual([2, 2])
    await nextCheck()
    expect(stamp()).toBe(3)
  })

  it("'poll' restamps once the loop has blocked for I/O, even before the phase's end", () => {
    // A read handled outside the poll phase (its clearing immediate lands a loop turn later) must
    // not lend its stamp to reads after the loop waited in epoll: the idle clock tells.
    let idle = 100
    const stamp = createReadStamp(steppingClock(), 'poll', () => idle)
    expect([stamp(), stamp()]).toEqual([1, 1])
    idle += 3
    expect([stamp(), stamp()]).toEqual([2, 2])
  })
})
