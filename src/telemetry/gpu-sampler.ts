/**
 * GPU telemetry while a workload runs: MLNode's `GET /api/v1/gpu/devices` (gonka-ai/gonka
 * mlnode/packages/api/src/api/gpu/routes.py: per GPU `utilization_percent`, memory, temperature,
 * from NVML) and, where the suite sets `powerCommand`, that command's power per GPU (nvidia-smi's
 * CSV, power-csv.ts), sampled every `intervalS` seconds. Summarised per GPU of the variant, per
 * pipeline stage of each replica, with the least free memory and output tokens per joule. Whatever
 * cannot be read is named in `unavailable`: GPU telemetry never fails a workload.
 */
import { execa } from 'execa'
import { request } from 'undici'
import type { GpuDeviceFigures, GpuTelemetry } from '../contracts/results.js'
import { redact } from '../errors.js'
import { parsePowerCsv } from './power-csv.js'
import { parseEndpoint, requestPath } from '../mlnode/endpoint.js'

export interface GpuTelemetryOptions {
  /** MLNode's management root (its /api/v1/gpu/devices); none: no device figures. */
  mgmtUrl?: string
  /** Request headers (an API key); never printed. */
  headers?: Record<string, string>
  /** Argument array of a command printing power per GPU, e.g. nvidia-smi's CSV; never a shell string. */
  powerCommand?: readonly string[]
  /** Seconds between samples. @default 1 */
  intervalS?: number
  /** Bound on one request or command, seconds. @default 5 */
  timeoutS?: number
  /** The variant's layout: its GPUs are `[0, instances·TP·PP)`, replica i's the i-th TP·PP of them. */
  layout?: { tp: number; pp: number; instances: number }
  /** Why some figures cannot be had at all (no MLNode API, no power on a simulator…). */
  unavailable?: readonly string[]
}

/** What the workload produced, for energy per token. */
export interface GpuWork {
  outputTokens?: number
  durationS?: number
}

export interface GpuTelemetryRecorder {
  stop(work?: GpuWork): Promise<GpuTelemetry>
}

/** One GPU as MLNode's GPUDevice sends it (a GPU in error has null figures and `is_available: false`). */
interface Device {
  index: number
  name?: string
  utilization?: number
  usedMb?: number
  freeMb?: number
  totalMb?: number
  temperatureC?: number
}

interface Sample {
  devices?: Device[]
  power?: Map<number, number>
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined)
const mean = (xs: readonly number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : undefined)
const round = (x: number, digits = 3) => Math.round(x * 10 ** digits) / 10 ** digits

/** The devices of a `GPUDevicesResponse`, or why the body is not one. */
function readDevices(body: unknown): Device[] | string {
  const list = (body as { devices?: unknown } | null)?.devices
  if (!Array.isArray(list)) return 'the answer has no devices list'
  return list.flatMap((d: Record<string, unknown>) => {
    const index = num(d?.index)
    if (index === undefined || d.is_available === false) return []
    const device: Device = { index }
    if (typeof d.name === 'string') device.name = d.name
    const set = (key: keyof Device, v: unknown) => {
      const n = num(v)
      if (n !== undefined) (device as unknown as Record<string, number>)[key] = n
    }
    set('utilization', d.utilization_percent)
    set('usedMb', d.used_memory_mb)
    set('freeMb', d.free_memory_mb)
    set('totalMb', d.total_memory_mb)
    set('temperatureC', d.temperature_c)
    return [device]
  })
}

export function startGpuTelemetry(options: GpuTelemetryOptions = {}): GpuTelemetryRecorder {
  const intervalS = options.intervalS ?? 1
  const timeoutMs = (options.timeoutS ?? 5) * 1000
  const problems = new Set(options.unavailable ?? [])
  const samples: Sample[] = []
  // MLNODE_URL may carry credentials or a token: requested as the MLNode client does, shown redacted.
  const endpoint = options.mgmtUrl ? parseEndpoint(options.mgmtUrl, 'MLNode URL') : undefined
  const devicesUrl = endpoint ? `${endpoint.display.replace(/[?#].*$/, '').replace(/\/+$/, '')}/api/v1/gpu/devices` : undefined
  const requestUrl = endpoint ? `${endpoint.origin}${requestPath(endpoint, '/api/v1/gpu/devices')}` : undefined
  const requestHeaders = { ...(options.headers ?? {}), ...(endpoint?.authorization ? { authorization: endpoint.authorization } : {}) }
  const power = options.powerCommand?.length ? options.powerCommand : undefined
  let inFlight: Promise<void> | undefined

  const readDevicesOnce = async (): Promise<Device[] | undefined> => {
    if (!requestUrl) return undefined
    try {
      const res = await request(requestUrl, { headers: requestHeaders, signal: AbortSignal.timeout(timeoutMs) })
      const text = await res.body.text()
      if (res.statusCode !== 200) {
        problems.add(`GPU devices: ${devicesUrl} answered HTTP ${res.statusCode}${res.statusCode === 401 || res.statusCode === 403 ? ' (MLNode signs this route: verify_signature)' : ''}`)
        return undefined
      }
      const devices = readDevices(JSON.parse(text))
      if (typeof devices === 'string') {
        problems.add(`GPU devices: ${devicesUrl}: ${devices}`)
        return undefined
      }
      if (devices.length === 0) problems.add(`GPU devices: ${devicesUrl} lists no available GPU (no NVML?)`)
      return devices
    } catch (error) {
      problems.add(`GPU devices: ${devicesUrl}: ${(error as Error).name === 'TimeoutError' ? `no answer within ${timeoutMs / 1000} s` : redact((error as Error).message)}`)
      return undefined
    }
  }
  const readPowerOnce = async (): Promise<Map<number, number> | undefined> => {
    if (!power) return undefined
    const [file, ...args] = power
    const shown = redact(power.join(' '))
    try {
      const r = await execa(file!, args, { reject: false, timeout: timeoutMs, stripFinalNewline: true })
      if (r.exitCode !== 0 || r.timedOut) {
        problems.add(`power: "${shown}" ${r.timedOut ? `gave no answer within ${timeoutMs / 1000} s` : `exited ${r.exitCode ?? r.signal}`}${r.stderr ? `: ${redact(String(r.stderr).split('\n')[0]!)}` : ''}`)
        return undefined
      }
      const reading = parsePowerCsv(String(r.stdout))
      for (const p of reading.problems) problems.add(`power: ${p}`)
      return reading.watts.size ? reading.watts : undefined
    } catch (error) {
      problems.add(`power: "${shown}" could not run: ${redact((error as Error).message.split('\n')[0]!)}`)
      return undefined
    }
  }
  const sample = (): Promise<void> => {
    // One sample at a time: a slow route or command delays the next tick instead of piling up.
    inFlight ??= (async () => {
      const [devices, watts] = await Promise.all([readDevicesOnce(), readPowerOnce()])
      samples.push({ ...(devices ? { devices } : {}), ...(watts ? { power: watts } : {}) })
    })().finally(() => (inFlight = undefined))
    return inFlight
  }
  const active = devicesUrl !== undefined || power !== undefined
  const timer = active ? setInterval(() => void sample(), intervalS * 1000) : undefined
  timer?.unref()
  if (active) void sample()

  return {
    async stop(work: GpuWork = {}): Promise<GpuTelemetry> {
      if (timer) clearInterval(timer)
      if (active) {
        await inFlight
        await sample()
      }
      return summariseGpus(samples, intervalS, options, work, [...problems])
    },
  }
}

function summariseGpus(samples: readonly Sample[], intervalS: number, options: GpuTelemetryOptions, work: GpuWork, unavailable: string[]): GpuTelemetry {
  const layout = options.layout
  const perReplica = layout ? layout.tp * layout.pp : undefined
  const seen = new Set(samples.flatMap((s) => [...(s.devices ?? []).map((d) => d.index), ...(s.power?.keys() ?? [])]))
  // The variant's GPUs: those its replicas run on (idle GPUs of the box are not its own).
  const mine = layout && perReplica ? Array.from({ length: layout.instances * perReplica }, (_, i) => i) : [...seen].sort((a, b) => a - b)
  const sources = [...(options.mgmtUrl ? ['mlnode /api/v1/gpu/devices'] : []), ...(options.powerCommand?.length ? [`power command: ${redact(options.powerCommand.join(' '))}`] : [])]
  const of = (s: Sample, index: number) => s.devices?.find((d) => d.index === index)
  const gpus: GpuDeviceFigures[] = mine.flatMap((index) => {
    const ds = samples.flatMap((s) => of(s, index) ?? [])
    const ws = samples.flatMap((s) => s.power?.get(index) ?? [])
    if (ds.length === 0 && ws.length === 0) return []
    const util = ds.flatMap((d) => d.utilization ?? [])
    const used = ds.flatMap((d) => d.usedMb ?? [])
    const temps = ds.flatMap((d) => d.temperatureC ?? [])
    const g: GpuDeviceFigures = { index }
    const name = ds.find((d) => d.name)?.name
    if (name) g.name = name
    if (util.length) {
      g.utilizationMean = round(mean(util)!, 1)
      g.utilizationPeak = Math.max(...util)
    }
    if (used.length) g.memoryUsedPeakMb = Math.max(...used)
    const total = ds.find((d) => d.totalMb !== undefined)?.totalMb
    if (total !== undefined) g.memoryTotalMb = total
    if (temps.length) g.temperaturePeakC = Math.max(...temps)
    if (ws.length) g.powerMeanW = round(mean(ws)!, 2)
    return [g]
  })
  const stages: GpuTelemetry['stages'] = []
  if (layout && perReplica)
    for (let replica = 0; replica < layout.instances; replica++)
      for (let stage = 0; stage < layout.pp; stage++) {
        const ids = Array.from({ length: layout.tp }, (_, k) => replica * perReplica + stage * layout.tp + k)
        const perSample = samples.flatMap((s) => {
          const u = ids.flatMap((i) => of(s, i)?.utilization ?? [])
          return u.length ? [mean(u)!] : []
        })
        if (perSample.length) stages.push({ replica, stage, gpus: ids, utilizationMean: round(mean(perSample)!, 1) })
      }
  const free = samples.flatMap((s) => mine.flatMap((i) => {
    const d = of(s, i)
    return d?.freeMb ?? (d?.totalMb !== undefined && d.usedMb !== undefined ? d.totalMb - d.usedMb : [])
  }))
  // Power of the variant: per sample, its GPUs' readings summed (a sample missing one GPU is left out).
  const totals = samples.flatMap((s) => (s.power && mine.every((i) => s.power!.has(i)) ? [mine.reduce((a, i) => a + s.power!.get(i)!, 0)] : []))
  if (options.powerCommand?.length && samples.some((s) => s.power) && totals.length === 0) unavailable.push(`power: no sample had a reading for every GPU of the variant (${mine.join(', ')})`)
  const out: GpuTelemetry = { samples: samples.length, intervalS, gpus, stages, sources, unavailable }
  if (free.length) out.memoryHeadroomMb = Math.min(...free)
  const powerMeanW = mean(totals)
  if (powerMeanW !== undefined) {
    out.powerMeanW = round(powerMeanW, 2)
    if (work.durationS !== undefined && work.durationS > 0) {
      out.energyJ = round(powerMeanW * work.durationS, 1)
      if (work.outputTokens !== undefined && out.energyJ > 0) out.outputTokensPerJoule = round(work.outputTokens / (powerMeanW * work.durationS), 4)
    }
  }
  return out
}
