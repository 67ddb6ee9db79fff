import { setImmediate as nextTurn } from 'node:timers/promises'
import { describe, expect, it } from 'vitest'
import { createWaveSlicer } from '../../src/load/wave-slicer.js'

describe('createWaveSlicer', () => {
  it('starts a wave a slice per loop turn, in order, and resolves each with its own result', async () => {
    const start = createWaveSlicer(32)
    const started: number[] = []
    const results = Array.from({ length: 100 }, (_, i) =>
      start(() => {
        started.push(i)
        return Promise.resolve(i * 2)
      }),
    )
    expect(started).toEqual(Array.from({ length: 32 }, (_, i) => i)) // the first slice at once
    await nextTurn()
    expect(started.length).toBe(64)
    await nextTurn()
    await nextTurn()
    expect(started).toEqual(Array.from({ length: 100 }, (_, i) => i))
    expect(await Promise.all(results)).toEqual(Array.from({ length: 100 }, (_, i) => i * 2))
  })

  it('starts at once again after a turn (a closed loop replacing one finished request never waits)', async () => {
    const start = createWaveSlicer(1)
    let started = 0
    const begin = (): Promise<void> => {
      started++
      return Promise.resolve()
    }
    void start(begin)
    void start(begin)
    expect(started).toBe(1)
    await nextTurn()
    expect(started).toBe(2)
    await nextTurn()
    void start(begin)
    expect(started).toBe(3)
  })
})
