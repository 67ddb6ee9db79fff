/**
 * A suite's `hardware` may be a hardware file (relative to the suite file): it is made absolute
 * and checked at collection, the embedded simulator emulates it, and against a real MLNode it (or
 * MLNODE_BENCH_HARDWARE) is what the node's GPUs are matched against.
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it, onTestFinished } from 'vitest'
import { deviceHardwareFile, resolveSuiteHardware } from '../../src/run/suite-hardware.js'
import { startSimulator } from '../../src/sim/index.js'
import { getJson } from '../sim/helpers.js'
import { useTempDir } from '../temp-dir.js'

const dir = useTempDir('mlnb-suite-hardware-')

const BOX = `hardware: 1
gpuCount: 4
gpu: { name: NVIDIA RTX PRO 6000 Blackwell Max-Q Workstation Edition, memoryMiB: 97887, memoryBandwidthGBps: 1792, tflops: { bf16: 250, fp8: 500 } }
interconnect: { link: pcie5, p2p: false }
`

async function boxFile(): Promise<{ suite: string; file: string }> {
  await mkdir(join(dir(), 'benchmarks', 'boxes'), { recursive: true })
  const file = join(dir(), 'benchmarks', 'boxes', 'maxq.yaml')
  await writeFile(file, BOX)
  return { suite: join(dir(), 'benchmarks', 'model.bench.ts'), file }
}

describe('suite hardware option', () => {
  it('a file path is resolved from the suite file and checked; a catalog id is kept', async () => {
    const { suite, file } = await boxFile()
    // Outside the run's cwd (a temp dir): absolute; inside it, relative to it (no machine paths in results).
    expect(resolveSuiteHardware('boxes/maxq.yaml', suite)).toBe(file)
    expect(resolveSuiteHardware('../test/fixtures/hardware/mi300x.yaml', join(process.cwd(), 'benchmarks', 'x.bench.ts'))).toBe(join('test', 'fixtures', 'hardware', 'mi300x.yaml'))
    expect(resolveSuiteHardware('8xh100-sxm', suite)).toBe('8xh100-sxm')
    expect(() => resolveSuiteHardware('boxes/none.yaml', suite)).toThrow(/Cannot read hardware file .*none\.yaml/)
  })

  it('a real MLNode is matched against the suite file, else MLNODE_BENCH_HARDWARE, else the catalog', async () => {
    const { file } = await boxFile()
    expect(deviceHardwareFile(file, {})).toBe(file)
    expect(deviceHardwareFile('8xh100-sxm', { MLNODE_BENCH_HARDWARE: file })).toBe(file)
    expect(deviceHardwareFile('8xh100-sxm', {})).toBeUndefined()
  })

  it('the embedded simulator emulates a hardware file: its GPUs as /health reports them', async () => {
    const { file } = await boxFile()
    const sim = await startSimulator({ clock: 'virtual', hardware: file })
    onTestFinished(() => sim.close())
    const health = (await getJson(`${sim.mgmtUrl}/health`)).body as { gpu: { count: number; devices: Array<{ name: string; total_memory_mb: number }> } }
    expect(health.gpu.count).toBe(4)
    expect(health.gpu.devices[0]).toMatchObject({ name: 'NVIDIA RTX PRO 6000 Blackwell Max-Q Workstation Edition', total_memory_mb: 97887 })
  })
})
