/**
 * The wall clock's lateness policy (src/sim/clock.ts Timeline, which WallClock consults for every
 * event), driven with explicit real times: no timers, no timing assertions.
 */
import { describe, expect, it, vi } from 'vitest'
import { hasCode } from '../../src/errors.js'
import { latenessBetween, Timeline } from '../../src/sim/clock.js'
import { WallClock } from '../../src/sim/wall-clock.js'
import { watchPacing } from '../../src/sim/pacing-watch.js'
import { getJson, startTestSim } from './helpers.js'

/** Runs the events (simulated ms) the way WallClock.poll does at real time `realMs`; returns those that ran. */
function runDue(t: Timeline, queue: number[], realMs: number): number[] {
  const ran: number[] = []
  while (queue.length > 0 && t.isDue(queue[0]! / 1000, realMs)) {
    const atMs = queue.shift()!
    t.ran(atMs / 1000, realMs)
    ran.push(atMs)
  }
  return ran
}

describe('wall clock lateness policy', () => {
  it('keeps the absolute schedule when an event is late by no more than shiftAfterMs', () => {
    const t = new Timeline(10, 1000, 0.25)
    const queue = [10, 20] // simulated ms: due at real 1001 and 1002 ms at speed 10
    expect(runDue(t, queue, 1001.2)).toEqual([10]) // 0.2 ms late
    expect(runDue(t, queue, 1001.9)).toEqual([])
    expect(t.wallMsAt(0.02)).toBe(1002)
    expect(runDue(t, queue, 1002)).toEqual([20])
    const late = t.lateness(1003)
    expect(late).toMatchObject({ events: 2, shifts: 0, driftMs: 0, overOneMs: 0 })
    expect(late.maxMs).toBeCloseTo(0.2, 9)
  })

  it('shifts the rest of the timeline by a longer stall instead of catching up with back-to-back steps', () => {
    const t = new Timeline(10, 1000, 0.25)
    const start = t.lateness(1000)
    const queue = [10, 17, 24] // 7 ms simulated steps = 0.7 real ms apart
    // The process was not scheduled until real 1003 ms: all three are overdue under an absolute schedule.
    expect(runDue(t, queue, 1003)).toEqual([10])
    // The next step keeps its full duration after the late one.
    expect(t.wallMsAt(0.017)).toBeCloseTo(1003.7, 9)
    expect(runDue(t, queue, 1003.69)).toEqual([])
    expect(runDue(t, queue, 1003.7)).toEqual([17])
    expect(runDue(t, queue, 1004.4)).toEqual([24])
    const late = t.lateness(1005)
    expect(late.shifts).toBe(1)
    expect(late.driftMs).toBeCloseTo(2, 9)
    expect(late.maxMs).toBeCloseTo(2, 9)
    expect(late.overOneMs).toBe(1)
    // The window's pacing error: 2 ms of stall in 5 ms of wall time.
    const w = latenessBetween(start, late)
    expect(w.driftShare).toBeCloseTo(2 / 5, 9)
  })

  it('tolerates lateness up to a fraction of the event\'s own step before shifting', () => {
    const t = new Timeline(1, 0, 0.1, 0.2)
    t.ran(0.02, 23, 0.02) // 3 ms late on a 20 ms step: within 20 %, absolute schedule kept
    expect(t.lateness(23).shifts).toBe(0)
    expect(t.wallMsAt(0.04)).toBe(40)
    t.ran(0.04, 45, 0.02) // 5 ms late: beyond 4 ms, the timeline shifts
    expect(t.lateness(45).shifts).toBe(1)
    expect(t.wallMsAt(0.06)).toBeCloseTo(65, 9)
    t.ran(0.0605, 65.7, 0.0005) // a 0.5 ms step: the 0.1 ms floor applies
    expect(t.lateness(66).shifts).toBe(2)
  })

  it('makes a shift up at catchUpRate afterwards, compressing steps by at most 1/(1 + rate)', () => {
    const t = new Timeline(1, 0, 0.1, 0, 0.5)
    t.ran(0.01, 20, 0.01) // 10 ms late: shifts
    expect(t.lateness(20)).toMatchObject({ shifts: 1, lagMs: 10 })
    // The next 10 ms step takes 10 / 1.5 real ms instead of running at once (or 10 ms later).
    expect(t.wallMsAt(0.02)).toBeCloseTo(20 + 10 / 1.5, 9)
    expect(t.lagMs(30)).toBeCloseTo(5, 9)
    // Made up after 10 / 0.5 = 20 ms: back on the unshifted schedule, no lag left.
    expect(t.wallMsAt(0.04)).toBeCloseTo(40, 9)
    expect(t.wallMsAt(0.05)).toBeCloseTo(50, 9)
    expect(t.lagMs(40)).toBe(0)
    // nowS is continuous and catches up with real time.
    expect(t.nowS(30)).toBeCloseTo(0.025, 9)
    expect(t.nowS(45)).toBeCloseTo(0.045, 9)
  })

  it('drops the lag when nothing is scheduled, so a stall does not carry into the next workload', () => {
    const t = new Timeline(1, 0, 0.1)
    t.ran(0.01, 15, 0.01) // 5 ms stall absorbed
    expect(t.lagMs(100)).toBe(5)
    expect(t.wallMsAt(0.1)).toBe(105)
    t.idle(100)
    expect(t.lagMs(100)).toBe(0)
    expect(t.nowS(100)).toBeCloseTo(0.1, 9)
    expect(t.wallMsAt(0.11)).toBeCloseTo(110, 9)
    expect(t.lateness(100)).toMatchObject({ driftMs: 5, shifts: 1, lagMs: 0 })
  })

  it('runs the events of one simulated instant together after a shift', () => {
    const t = new Timeline(10, 0, 0.25)
    // Three replicas' steps end at the same simulated time, the next one a bit later.
    expect(runDue(t, [10.3, 10.3, 10.3, 10.4], 5)).toEqual([10.3, 10.3, 10.3])
    expect(t.lateness(5).shifts).toBe(1)
  })

  it('never moves nowS() backwards across a shift', () => {
    const t = new Timeline(1, 0, 0.25)
    const stampedDuringStall = t.nowS(25) // a request handled before the overdue event
    runDue(t, [10], 25) // 15 ms late: the timeline shifts back by 15 ms
    expect(t.nowS(25)).toBeGreaterThanOrEqual(stampedDuringStall)
    expect(t.nowS(26)).toBeGreaterThanOrEqual(stampedDuringStall)
    expect(t.nowS(41)).toBeCloseTo(0.026, 9)
  })

  it('reports the lateness of a window as the difference of two snapshots', () => {
    const t = new Timeline(1, 0, 100)
    runDue(t, [10], 13) // 3 ms late, before the window
    const before = t.lateness(14)
    runDue(t, [20, 30], 30.5) // 10.5 and 0.5 ms late
    const w = latenessBetween(before, t.lateness(40))
    expect(w.events).toBe(2)
    expect(w.meanMs).toBeCloseTo(5.5, 9)
    expect(w.maxMs).toBeCloseTo(10.5, 9)
    expect(w.overOneMs).toBe(1)
    expect(w.lateCounts.reduce((a, b) => a + b, 0)).toBe(2)
    expect(w.wallMs).toBe(26)
    expect(w.driftMs).toBe(0)
    expect(w.driftShare).toBe(0)
    // A window whose worst event is below the clock's all-time maximum reports its bucket's bound.
    const before2 = t.lateness(40)
    runDue(t, [40.4], 41) // 0.6 ms late
    expect(latenessBetween(before2, t.lateness(41)).maxMs).toBe(1)
  })

  it('changes speed with simulated time continuous and later events re-paced', () => {
    const t = new Timeline(10, 0, 0.1)
    expect(t.wallMsAt(0.1)).toBe(10) // 100 simulated ms at speed 10
    t.setSpeed(2, 5) // at real 5 ms = simulated 50 ms
    expect(t.speed).toBe(2)
    expect(t.nowS(5)).toBeCloseTo(0.05, 9)
    expect(t.wallMsAt(0.1)).toBeCloseTo(5 + 25, 9) // the remaining 50 simulated ms take 25 real ms
    expect(t.nowS(30)).toBeCloseTo(0.1, 9)
  })

  it('exposes the same counters through WallClock', () => {
    const clock = new WallClock({ speed: 5 })
    const late = clock.lateness()
    expect(late).toMatchObject({ events: 0, sumMs: 0, meanMs: 0, driftMs: 0, shifts: 0, lagMs: 0 })
    expect(late.lateCounts).toHaveLength(11)
    clock.dispose()
  })
})

describe('simulator speed change', () => {
  it('setSpeed changes the speed headers and /health report; the virtual clock refuses it', async () => {
    const sim = await startTestSim({ speed: 10, startupS: 0 })
    sim.setSpeed(2.5)
    expect(sim.speed).toBe(2.5)
    const h = await getJson(`${sim.mgmtUrl}/health`)
    expect(h.body.simulator.speed).toBe(2.5)
    expect(h.headers.get('x-mlnode-sim-speed')).toBe('2.5')
    expect(() => sim.setSpeed(0)).toThrow(/speed must be a finite number > 0, got 0/)
    const virtual = await startTestSim({ clock: 'virtual' })
    let error: unknown
    try {
      virtual.setSpeed(5)
    } catch (e) {
      error = e
    }
    expect(hasCode(error, 'MLNB_CONFIG')).toBe(true)
  })
})

describe('pacing watch', () => {
  it('logs once per 10 s when a second had more than 10 % of stalls, and not otherwise', () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] })
    try {
      const t = new Timeline(10, 0, 0.1)
      let realMs = 0
      const clock = { speed: 10, lateness: () => t.lateness(realMs) }
      const lines: string[] = []
      const timer = watchPacing(clock, (l) => lines.push(l))
      realMs = 1000
      t.ran(0.5, 52, 0.007) // 2 ms stall in the first second: 0.2 %
      vi.advanceTimersByTime(1000)
      expect(lines).toEqual([])
      realMs = 2000
      t.ran(15, 1700, 0.007) // a 200 ms stall in the next second: 20 %
      vi.advanceTimersByTime(1000)
      expect(lines).toHaveLength(1)
      expect(lines[0]).toMatch(/stalled 20% of the last 1.0 s at speed 10 \(1 timeline shifts\)/)
      // The advice names the option that sets the speed (the old MLNODE_SIM_SPEED is refused).
      expect(lines[0]).toContain('lower the speed (mlnode-bench sim --speed)')
      realMs = 3000
      t.ran(25.1, 2800, 0.007) // again, but within 10 s of the last warning: quiet
      vi.advanceTimersByTime(1000)
      expect(lines).toHaveLength(1)
      clearInterval(timer)
    } finally {
      vi.useRealTimers()
    }
  })
})
