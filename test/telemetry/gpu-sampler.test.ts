/**
 * GPU telemetry against a loopback MLNode GPU route (MLNode's `GPUDevicesResponse`, gonka-ai/gonka
 * mlnode/packages/api/src/api/gpu/routes.py) and a fake power command printing nvidia-smi's CSV.
 */
import { writeFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { startGpuTelemetry } from '../../src/telemetry/gpu-sampler.js'
import { parsePowerCsv } from '../../src/telemetry/power-csv.js'
import { useTempDir } from '../temp-dir.js'

const dir = useTempDir('mlnb-gpu-')
const servers: Server[] = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => (s.closeAllConnections(), new Promise((r) => s.close(r)))))
})

/** GPU i of an 8-GPU box as MLNode reports it; `util(i)` its utilisation. */
const device = (index: number, util: number, usedMb: number) => ({ index, name: 'NVIDIA A100-SXM4-40GB', total_memory_mb: 40960, free_memory_mb: 40960 - usedMb, used_memory_mb: usedMb, utilization_percent: util, temperature_c: 40 + Math.round(util / 5), is_available: true, error_message: null })

async function serveDevices(pages: ReadonlyArray<object>, status = 200): Promise<string> {
  let n = 0
  const server = createServer((req, res) => {
    if (req.url !== '/api/v1/gpu/devices') return res.writeHead(404).end('{"detail":"Not Found"}')
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(pages[Math.min(n++, pages.length - 1)]))
  })
  servers.push(server)
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

/** A command printing `text` (a node script: no shell). */
async function fakeCommand(name: string, text: string, exitCode = 0): Promise<string[]> {
  const file = join(dir(), `${name}.mjs`)
  await writeFile(file, `process.stdout.write(${JSON.stringify(text)}); process.exitCode = ${exitCode}\n`)
  return [process.execPath, file]
}

describe('nvidia-smi power CSV', () => {
  it('reads the header form, noheader and nounits, and says which GPUs gave no reading', () => {
    expect([...parsePowerCsv('index, power.draw [W]\n0, 187.80 W\n1, 190.96 W\n').watts]).toEqual([[0, 187.8], [1, 190.96]])
    expect([...parsePowerCsv('0, 187.80\n1, 190.96\n').watts]).toEqual([[0, 187.8], [1, 190.96]])
    expect([...parsePowerCsv('72.10 W\n68.00 W\n').watts]).toEqual([[0, 72.1], [1, 68]])
    expect([...parsePowerCsv('power.draw [W], index\n35.32 W, 3\n').watts]).toEqual([[3, 35.32]])
    const na = parsePowerCsv('index, power.draw [W]\n0, [N/A]\n1, 50.00 W\n')
    expect([...na.watts]).toEqual([[1, 50]])
    expect(na.problems).toEqual(['GPU 0: power.draw "[N/A]" is not a reading'])
    expect(parsePowerCsv('index, temperature.gpu\n0, 40\n').problems[0]).toMatch(/^no power\.draw column/)
    expect(parsePowerCsv('').problems).toEqual(['the power command printed nothing'])
  })
})

describe('GPU telemetry over a workload', () => {
  it('summarises the variant GPUs per stage (a PP bubble), memory headroom and output tokens per joule', async () => {
    // TP2×PP2, one replica on GPUs 0-3 of 8: stage 0 = GPUs 0,1, stage 1 = GPUs 2,3; GPUs 4-7 idle.
    const page = (u0: number, u1: number, used: number) => ({ devices: Array.from({ length: 8 }, (_, i) => (i < 2 ? device(i, u0, used) : i < 4 ? device(i, u1, used) : device(i, 0, 0))), count: 8 })
    const mgmtUrl = await serveDevices([page(40, 60, 30000), page(50, 50, 32000)])
    const powerCommand = await fakeCommand('nvidia-smi', 'index, power.draw [W]\n0, 200.00 W\n1, 200.00 W\n2, 150.00 W\n3, 150.00 W\n4, 60.00 W\n5, 60.00 W\n6, 60.00 W\n7, 60.00 W\n')
    const recorder = startGpuTelemetry({ mgmtUrl, powerCommand, intervalS: 10, layout: { tp: 2, pp: 2, instances: 1 } })
    const t = await recorder.stop({ outputTokens: 7000, durationS: 10 })
    expect(t.unavailable).toEqual([])
    expect(t.samples).toBe(2)
    expect(t.sources).toEqual(['mlnode /api/v1/gpu/devices', `power command: ${powerCommand.join(' ')}`])
    expect(t.gpus.map((g) => g.index)).toEqual([0, 1, 2, 3])
    expect(t.gpus[0]).toEqual({ index: 0, name: 'NVIDIA A100-SXM4-40GB', utilizationMean: 45, utilizationPeak: 50, memoryUsedPeakMb: 32000, memoryTotalMb: 40960, temperaturePeakC: 50, powerMeanW: 200 })
    expect(t.stages).toEqual([
      { replica: 0, stage: 0, gpus: [0, 1], utilizationMean: 45 },
      { replica: 0, stage: 1, gpus: [2, 3], utilizationMean: 55 },
    ])
    expect(t.memoryHeadroomMb).toBe(40960 - 32000)
    // The variant's four GPUs only: 700 W over 10 s = 7000 J for 7000 output tokens.
    expect(t.powerMeanW).toBe(700)
    expect(t.energyJ).toBe(7000)
    expect(t.outputTokensPerJoule).toBe(1)
  })

  it('never fails: a refused route, a failing command and a GPU without power reading are named', async () => {
    const mgmtUrl = await serveDevices([{ detail: 'Invalid signature' }], 401)
    const failing = await fakeCommand('broken', '', 9)
    const t = await startGpuTelemetry({ mgmtUrl, powerCommand: failing, intervalS: 10, layout: { tp: 1, pp: 1, instances: 2 } }).stop({ outputTokens: 10, durationS: 1 })
    expect(t.unavailable).toContain(`GPU devices: ${mgmtUrl}/api/v1/gpu/devices answered HTTP 401 (MLNode signs this route: verify_signature)`)
    expect(t.unavailable).toContain(`power: "${failing.join(' ')}" exited 9`)
    expect(t).toMatchObject({ gpus: [], stages: [] })
    expect(t.outputTokensPerJoule).toBeUndefined()

    const partial = await fakeCommand('partial', 'index, power.draw [W]\n0, 100.00 W\n1, [N/A]\n')
    const p = await startGpuTelemetry({ powerCommand: partial, intervalS: 10, layout: { tp: 1, pp: 1, instances: 2 } }).stop({ outputTokens: 10, durationS: 1 })
    expect(p.unavailable).toEqual(['power: GPU 1: power.draw "[N/A]" is not a reading', 'power: no sample had a reading for every GPU of the variant (0, 1)'])
    expect(p.powerMeanW).toBeUndefined()
    expect(p.gpus).toEqual([{ index: 0, powerMeanW: 100 }])
  })

  it('says why there is nothing to sample', async () => {
    const t = await startGpuTelemetry({ unavailable: ['GPU devices: this target has no MLNode management API'] }).stop()
    expect(t).toEqual({ samples: 0, intervalS: 1, gpus: [], stages: [], sources: [], unavailable: ['GPU devices: this target has no MLNode management API'] })
  })
})

describe('a management URL with credentials', () => {
  it('sends them as MLNode\'s client does and never prints them', async () => {
    let auth: string | undefined
    let query: string | undefined
    const server = createServer((req, res) => {
      auth = req.headers.authorization
      query = req.url
      res.writeHead(500).end('{"detail":"boom"}')
    })
    servers.push(server)
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    const port = (server.address() as AddressInfo).port
    const t = await startGpuTelemetry({ mgmtUrl: `http://user:s3cret@127.0.0.1:${port}/?token=t0ken`, intervalS: 10 }).stop()
    expect(auth).toBe(`Basic ${Buffer.from('user:s3cret').toString('base64')}`)
    expect(query).toBe('/api/v1/gpu/devices?token=t0ken')
    expect(t.unavailable).toHaveLength(1)
    expect(t.unavailable[0]).toContain('answered HTTP 500')
    expect(JSON.stringify(t)).not.toMatch(/s3cret|t0ken/)
  })
})
