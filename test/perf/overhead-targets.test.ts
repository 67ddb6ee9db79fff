// The overhead benchmark's verdict on a missed target: judged against the same run's raw-socket floor.
import { expect, it } from 'vitest'
import { missVerdict, targetLines, type TargetFigure } from './overhead-targets.js'

const itl: TargetFigure = { name: 'ITL error p99', measured: 9.4, bound: 'max', target: 1, unit: 'ms', note: 'client CPU 1.36 cores' }

it('calls a target out of reach when the raw-socket floor missed it too, else the engine’s cost', () => {
  expect(missVerdict({ ...itl, floor: 4.9 })).toBe('out of reach on this machine now: the raw-socket floor missed it too (4.900 ms)')
  expect(missVerdict({ ...itl, floor: 0.8 })).toBe("the engine's own cost: the raw-socket floor met it (0.800 ms)")
  expect(missVerdict({ ...itl, bound: 'min', measured: 400_000, target: 500_000, unit: 'chunks/s', floor: 600_000 })).toMatch(/^the engine's own cost/)
  expect(missVerdict(itl)).toBeUndefined()
})

it('prints the verdict and the note only for a missed target', () => {
  const [missed, met] = targetLines([
    { ...itl, floor: 4.9 },
    { ...itl, measured: 0.9, floor: 4.9 },
  ])
  expect(missed).toBe('  NOT met ITL error p99: 9.400 ms (target <= 1.000 ms); out of reach on this machine now: the raw-socket floor missed it too (4.900 ms); client CPU 1.36 cores')
  expect(met).toBe('  met     ITL error p99: 0.900 ms (target <= 1.000 ms)')
})
