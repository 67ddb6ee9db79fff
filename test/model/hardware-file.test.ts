/**
 * Hardware you describe: the catalog's data-center entries, hardware files (YAML/JSON, checked
 * with errors naming file, field and value) and how a real MLNode's GPU names are matched.
 */
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { hardwareOption } from '../../src/cli/catalog-options.js'
import { findGpuByName, getHardwareProfile, getModelSpec, listGpuSpecs, matchDeviceHardware, modelInstance, resolveEngineConfig } from '../../src/model/index.js'
import { useTempDir } from '../temp-dir.js'

const dir = useTempDir('mlnb-hardware-')

const MI_BOX = `hardware: 1
gpuCount: 8
gpu:
  name: AMD Instinct MI300X
  memoryMiB: 196608
  memoryBandwidthGBps: 5300
  tflops: { bf16: 1307, fp8: 2615 }
interconnect:
  link: pcie5
  p2p: true
  allReduce:
    "8": { latencyUs: 20, busBandwidthGBps: 300 }
source: AMD Instinct MI300X data sheet
`

async function file(name: string, text: string): Promise<string> {
  const path = join(dir(), name)
  await writeFile(path, text)
  return path
}

describe('GPU catalog', () => {
  it('has the data-center GPUs hosts run, each with a source, FP4 peaks on Blackwell', () => {
    const ids = listGpuSpecs().map((g) => g.id)
    for (const id of ['h100-sxm', 'h100-pcie', 'h200', 'b200', 'b300', 'rtx-pro-6000', 'a100-40gb', 'a100-80gb', 'rtx-4070-ti-super', 'rtx-4090', 'rtx-3090']) expect(ids).toContain(id)
    for (const gpu of listGpuSpecs()) expect(gpu.source.length).toBeGreaterThan(10)
    for (const id of ['b200', 'b300', 'rtx-pro-6000']) expect(listGpuSpecs().find((g) => g.id === id)!.tflops.fp4).toBeGreaterThan(0)
    // Names as nvidia-smi prints them (docs/hardware.md cites where each was seen).
    expect(findGpuByName('NVIDIA B300 SXM6 AC')?.memoryMb).toBe(275040)
    expect(findGpuByName('nvidia rtx pro 6000 blackwell workstation edition')?.id).toBe('rtx-pro-6000')
  })

  it('has profiles for the boxes the network runs on; "8xh100" is the SXM box', () => {
    for (const id of ['8xh100-sxm', '4xh100-sxm', '8xh200', '4xh200', '2xh200', '4xb200', '8xb200', '8xb300', '8xrtx-pro-6000', '4xrtx-pro-6000']) {
      expect(getHardwareProfile(id).id).toBe(id)
    }
    expect(getHardwareProfile('8xh100').id).toBe('8xh100-sxm')
    expect(getHardwareProfile('8xb300').interconnect.link).toBe('nvlink5')
  })
})

describe('hardware file', () => {
  it('describes a GPU the catalog lacks; predict/plan/calibrate take its path as --hardware', async () => {
    const path = await file('mi300x.yaml', MI_BOX)
    const box = hardwareOption('predict', path)
    expect(box).toMatchObject({ id: '8xamd-instinct-mi300x', gpuCount: 8 })
    expect(box.gpu).toMatchObject({ name: 'AMD Instinct MI300X', memoryMb: 196608, memoryBandwidthGBps: 5300, tflops: { bf16: 1307, fp16: 1307, fp8: 2615 } })
    // Given all-reduce figures replace the link preset's; the others stay.
    expect(box.interconnect.allReduce[8]).toEqual({ latencyUs: 20, busBandwidthGBps: 300 })
    expect(box.interconnect.allReduce[2]).toEqual(getHardwareProfile('8xh100-pcie').interconnect.allReduce[2])
    // The model plans on it: Llama-3.1-70B bf16 at TP2 fits 192 GB GPUs.
    const model = getModelSpec('meta-llama/Llama-3.1-70B')
    const plan = modelInstance(box, model, resolveEngineConfig(new Map([['tensor-parallel-size', '2']]), model, box, 'bfloat16'))
    expect(plan.kvCapacityTokens).toBeGreaterThan(100_000)
  })

  it('JSON is accepted too', async () => {
    const path = await file('box.json', JSON.stringify({ hardware: 1, gpuCount: 2, gpu: { name: 'NVIDIA Foo', memoryMiB: 1000, memoryBandwidthGBps: 100, tflops: { bf16: 10 } }, interconnect: { link: 'pcie4', p2p: false } }))
    expect(getHardwareProfile(path)).toMatchObject({ id: '2xfoo', gpuCount: 2, interconnect: { p2p: false, link: 'pcie4' } })
  })

  it.each([
    ['memory.yaml', MI_BOX.replace('memoryMiB: 196608', 'memoryMiB: "192 GB"'), 'gpu.memoryMiB', '"192 GB"'],
    ['link.yaml', MI_BOX.replace('link: pcie5', 'link: infinity-fabric'), 'interconnect.link', '"infinity-fabric"'],
    ['nvlink.yaml', MI_BOX.replace('link: pcie5\n  p2p: true', 'link: nvlink4\n  p2p: false'), 'interconnect.p2p', 'false'],
    ['count.yaml', MI_BOX.replace('gpuCount: 8', 'gpuCount: 0'), 'gpuCount', '0'],
    ['extra.yaml', MI_BOX.replace('gpuCount: 8', 'gpuCount: 8\ngpus: 8'), '(root)', 'gpus'],
  ])('a bad file (%s) is an MLNB_CONFIG naming file, field and value', async (name, text, field, value) => {
    const path = await file(name, text)
    let error: { code?: string; message?: string; details?: { file?: string; field?: string } } = {}
    try {
      getHardwareProfile(path)
    } catch (e) {
      error = e as typeof error
    }
    expect(error.code).toBe('MLNB_CONFIG')
    expect(error.message).toContain(path)
    expect(error.message).toContain(`field "${field}"`)
    expect(error.message).toContain(value)
  })

  it('a missing file is an MLNB_CONFIG naming it', () => {
    expect(() => getHardwareProfile(join(dir(), 'none.yaml'))).toThrow(/Cannot read hardware file .*none\.yaml/)
  })
})

describe("a real MLNode's GPU names", () => {
  it('are matched to the catalog by the nvidia-smi name (any edition of a part)', () => {
    expect(matchDeviceHardware(Array(8).fill('NVIDIA B300 SXM6 AC'), 8)?.id).toBe('8xb300')
    expect(matchDeviceHardware(Array(4).fill('NVIDIA RTX PRO 6000 Blackwell Server Edition'), 4)?.id).toBe('4xrtx-pro-6000')
    expect(matchDeviceHardware(['NVIDIA H200', 'NVIDIA H200'], 2)?.id).toBe('2xh200')
    expect(matchDeviceHardware([], 0)).toBeUndefined()
  })

  it('an unknown GPU is MLNB_UNKNOWN_GPU with a hardware-file template that names it', () => {
    let error: { code?: string; message?: string } = {}
    try {
      matchDeviceHardware(Array(8).fill('AMD Instinct MI300X'), 8)
    } catch (e) {
      error = e as typeof error
    }
    expect(error.code).toBe('MLNB_UNKNOWN_GPU')
    expect(error.message).toContain('MLNODE_BENCH_HARDWARE')
    for (const field of ['hardware: 1', 'gpuCount: 8', 'name: "AMD Instinct MI300X"', 'memoryMiB:', 'memoryBandwidthGBps:', 'tflops:', 'link:', 'p2p:']) expect(error.message).toContain(field)
  })

  it('are matched to a hardware file when one is given; a file of other GPUs is an error naming it', async () => {
    const path = await file('node.yaml', MI_BOX)
    expect(matchDeviceHardware(Array(8).fill('AMD Instinct MI300X'), 8, path)?.id).toBe('8xamd-instinct-mi300x')
    expect(matchDeviceHardware(Array(4).fill('AMD Instinct MI300X'), 4, path)).toMatchObject({ id: '4xamd-instinct-mi300x', gpuCount: 4 })
    expect(() => matchDeviceHardware(Array(8).fill('NVIDIA H100 80GB HBM3'), 8, path)).toThrow(/node\.yaml: field "gpu\.name" = "AMD Instinct MI300X" but the MLNode reports 8x "NVIDIA H100 80GB HBM3"/)
  })
})
