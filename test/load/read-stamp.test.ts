import { setImmediate as nextCheck } from 'node:timers/promises'
import { describe, expect, it } from 'vitest'
import { createReadStamp } from '../../src/load/index.js'

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
