/**
 * The overhead benchmark's quick looks (overhead.ts), each run alone and then exiting:
 * OVERHEAD_ONLY_MEMORY=1, OVERHEAD_AB=<another checkout's src/load/index.ts>, OVERHEAD_FLOORS=1, OVERHEAD_ONLY_64=1,
 * OVERHEAD_ONLY_512=1 and OVERHEAD_PROFILE=out.cpuprofile. Returns when none is asked for.
 */
import { writeFile } from 'node:fs/promises'
import { Session } from 'node:inspector'
import { pathToFileURL } from 'node:url'
import { runWorkload, type ReadStampMode } from '../../src/load/index.js'
import { f, print, printBurst, table, type PhaseResult } from './overhead-report.js'

type Phase = (label: string, streams: number, tokens: number, stepMs: number, options?: { memoryAtMs?: number; readStamp?: ReadStampMode; engine?: typeof runWorkload; raw?: boolean; python?: boolean }) => Promise<PhaseResult>

export async function runQuickLook(phase: Phase, stop: () => void): Promise<void> {
  const profilePath = process.env.OVERHEAD_PROFILE
  const abEngine = process.env.OVERHEAD_AB
  if (process.env.OVERHEAD_ONLY_MEMORY === '1') {
    // Memory growth per stream only, from the phase start (with OVERHEAD_AB, alternating with the other engine).
    const other = abEngine === undefined ? undefined : ((await import(pathToFileURL(abEngine).href)) as { runWorkload: typeof runWorkload })
    for (let round = 1; round <= 3; round++)
      for (const [name, engine] of [['this', runWorkload], ['other', other?.runWorkload]] as const) {
        if (engine === undefined) continue
        const r = await phase('memory', 512, 200, 10, { memoryAtMs: 600, engine })
        console.log(`${name} engine: ${f(r.memoryPerStreamKb ?? NaN, 1)} KB per stream`)
      }
    stop()
    process.exit(0)
  }
  if (abEngine !== undefined) {
    // OVERHEAD_AB=/path/to/other/src/load/index.ts: this engine and that one, alternating, so both
    // see the same machine (other engineers' jobs come and go). Nothing else is run.
    const other = (await import(pathToFileURL(abEngine).href)) as { runWorkload: typeof runWorkload }
    const rows: PhaseResult[] = []
    for (let round = 1; round <= 3; round++)
      for (const [name, engine] of [['this', runWorkload], ['other', other.runWorkload]] as const)
        for (const [streams, tokens] of [[64, 200], [512, 300]] as const) {
          const r = await phase(`${name} engine, round ${round}`, streams, tokens, 10, { engine })
          print(r)
          printBurst(r)
          rows.push(r)
        }
    table(rows)
    stop()
    process.exit(0)
  }
  if (process.env.OVERHEAD_FLOORS === '1') {
    // The engine, the Node raw-socket floor and the Python asyncio floor, alternating (3 rounds) so
    // that all three see the same machine.
    const rows: PhaseResult[] = []
    for (let round = 1; round <= 3; round++)
      for (const streams of [64, 512])
        for (const [name, options] of [['engine', {}], ['raw-socket floor', { raw: true }], ['python floor', { python: true }]] as const) {
          const r = await phase(`${streams}, ${name}, round ${round}`, streams, streams === 64 ? 200 : 300, 10, options)
          print(r)
          rows.push(r)
        }
    table(rows)
    stop()
    process.exit(0)
  }
  if (process.env.OVERHEAD_ONLY_64 === '1') {
    // Quick look at the 64-stream phase alone (experiments with node flags, e.g. GC sizes).
    const mode = (process.env.OVERHEAD_READ_STAMP ?? 'poll') as ReadStampMode
    for (let i = 0; i < 3; i++) print(await phase(`paced 64 streams, ${mode}`, 64, 200, 10, { readStamp: mode }))
    stop()
    process.exit(0)
  }
  if (profilePath !== undefined || process.env.OVERHEAD_ONLY_512 === '1') {
    // Quick look at the 512-stream phase alone; with OVERHEAD_PROFILE=out.cpuprofile, its CPU profile.
    const session = new Session()
    session.connect()
    const post = (method: string, params?: object): Promise<any> =>
      new Promise((resolve, reject) => session.post(method, params, (error, result) => (error === null ? resolve(result) : reject(error))))
    if (profilePath !== undefined) {
      await post('Profiler.enable')
      await post('Profiler.setSamplingInterval', { interval: 100 })
      await post('Profiler.start')
    }
    const only = await phase('paced 512 streams', 512, 300, 10)
    print(only)
    printBurst(only)
    if (profilePath !== undefined) {
      const { profile } = (await post('Profiler.stop')) as { profile: object }
      await writeFile(profilePath, JSON.stringify(profile))
      console.log(`profile of the 512-stream phase written to ${profilePath}`)
    }
    stop()
    process.exit(0)
  }
}
