/** A suite's calibration is read and checked at collection, with errors naming where it came from. */
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { suiteCalibration } from '../../src/run/suite-calibration.js'
import { useTempDir } from '../temp-dir.js'

const dir = useTempDir('mlnb-suite-cal-')
const cal = (hardware: string, constants: object = { stepOverheadS: 0.003 }) => JSON.stringify({ calibration: 1, hardware, constants })

async function suiteWith(files: Record<string, string>) {
  const root = join(dir(), String(Math.random()).slice(2))
  for (const [name, text] of Object.entries(files)) {
    await mkdir(join(root, name, '..'), { recursive: true })
    await writeFile(join(root, name), text)
  }
  return { root, file: join(root, 'benchmarks/a.bench.ts'), source: 'benchmarks/a.bench.ts' }
}

describe('suiteCalibration', () => {
  it('resolves the option from the suite file and prefers it to MLNODE_BENCH_CALIBRATION', async () => {
    const s = await suiteWith({ 'benchmarks/cal/h100.json': cal('8xh100-sxm'), 'other.json': cal('8xl4') })
    const got = suiteCalibration({ option: 'cal/h100.json', file: s.file, source: s.source, simulatedHardware: '8xh100-sxm', env: { MLNODE_BENCH_CALIBRATION: join(s.root, 'other.json') } })
    expect(got).toMatchObject({ file: join(s.root, 'benchmarks/cal/h100.json'), shown: 'cal/h100.json', calibration: { hardware: '8xh100-sxm', constants: { stepOverheadS: 0.003 } } })
    const fromEnv = suiteCalibration({ option: undefined, file: s.file, source: s.source, env: { MLNODE_BENCH_CALIBRATION: join(s.root, 'other.json') } })
    expect(fromEnv?.calibration.hardware).toBe('8xl4')
    expect(suiteCalibration({ option: undefined, file: s.file, source: s.source, env: {} })).toBeUndefined()
  })

  it('a missing file names the suite, the option and its value', async () => {
    const s = await suiteWith({})
    expect(() => suiteCalibration({ option: 'nope.json', file: s.file, source: s.source, env: {} })).toThrow(
      /^benchmarks\/a\.bench\.ts: option "calibration" = "nope\.json": cannot read the calibration file: ENOENT/,
    )
    expect(() => suiteCalibration({ option: undefined, file: s.file, source: s.source, env: { MLNODE_BENCH_CALIBRATION: 'gone.json' } })).toThrow(/^MLNODE_BENCH_CALIBRATION = "gone\.json": cannot read/)
  })

  it('a broken file names its field and value', async () => {
    const s = await suiteWith({ 'benchmarks/c.json': cal('8xl4', { mbuWeights: 1.7 }), 'benchmarks/d.json': '{ not json' })
    expect(() => suiteCalibration({ option: 'c.json', file: s.file, source: s.source, env: {} })).toThrow(/c\.json: field "constants\.mbuWeights" = 1\.7/)
    expect(() => suiteCalibration({ option: 'd.json', file: s.file, source: s.source, env: {} })).toThrow(/option "calibration" = "d\.json": d\.json is not JSON/)
  })

  it("the simulator's GPUs must be the calibration's; a real MLNode's are checked at deploy", async () => {
    const s = await suiteWith({ 'benchmarks/l4.json': cal('8xl4') })
    expect(() => suiteCalibration({ option: 'l4.json', file: s.file, source: s.source, simulatedHardware: '8xh100-sxm', env: {} })).toThrow(
      /^benchmarks\/a\.bench\.ts: option "calibration" = "l4\.json": l4\.json: field "hardware" = "8xl4" but the prediction is for 8xh100-sxm/,
    )
    // Part of a box of the same GPUs is fine; without a simulator there is nothing to check yet.
    expect(suiteCalibration({ option: 'l4.json', file: s.file, source: s.source, simulatedHardware: '4xl4', env: {} })?.shown).toBe('l4.json')
    expect(suiteCalibration({ option: 'l4.json', file: s.file, source: s.source, env: {} })?.shown).toBe('l4.json')
  })
})
