/**
 * Server telemetry while a workload runs: every replica's vLLM /metrics page sampled at a fixed
 * interval (gauges: KV-cache use, running and waiting requests) and read at the start and the end
 * (counters: preemptions, tokens, prefix-cache lookups, speculative tokens, as differences). A
 * page that cannot be read is named in `unavailable`; telemetry never fails a workload.
 */
import { request } from 'undici'
import type { ServerTelemetry } from '../contracts/results.js'
import { readMetricsPage, type MetricsPage } from './read-page.js'
import { SERVER_FIGURES, type ServerFigure } from '../contracts/vllm-metric-names.js'

/**
 * Wall seconds between samples of a simulator on simulated time, where a whole workload takes a
 * second or two of wall time: its gauges are then a sample of the virtual clock's states (they
 * vary a little run to run and are never gated), its counters exact.
 */
export const SIMULATED_TIME_TELEMETRY_INTERVAL_S = 0.05

export interface TelemetryOptions {
  /** Seconds between samples. @default 1 */
  intervalS?: number
  /** Bound on one page's request, seconds. @default 5 */
  timeoutS?: number
  /** Request headers (an API key); never printed. */
  headers?: Record<string, string>
  /** Points kept in the time series (evenly thinned beyond). @default 240 */
  maxSeriesPoints?: number
}

export interface TelemetryRecorder {
  /** Takes the last sample and summarises; undefined when telemetry was not asked for. */
  stop(): Promise<ServerTelemetry>
}

interface Sample {
  tS: number
  /** One page per source URL; undefined where the page could not be read. */
  pages: Array<MetricsPage | undefined>
}

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0)
const mean = (xs: readonly number[]) => (xs.length ? sum(xs) / xs.length : undefined)

/** Starts sampling `urls` (one /metrics page per replica); `unavailable` says why there are none. */
export function startServerTelemetry(urls: readonly string[], options: TelemetryOptions = {}, unavailable: readonly string[] = []): TelemetryRecorder {
  const intervalS = options.intervalS ?? 1
  const timeoutMs = (options.timeoutS ?? 5) * 1000
  const started = performance.now()
  const samples: Sample[] = []
  const problems = new Set(unavailable)
  let inFlight: Promise<void> | undefined

  const fetchPage = async (url: string): Promise<MetricsPage | undefined> => {
    try {
      const res = await request(url, { headers: options.headers ?? {}, signal: AbortSignal.timeout(timeoutMs) })
      const text = await res.body.text()
      if (res.statusCode !== 200) {
        problems.add(`${url}: HTTP ${res.statusCode}`)
        return undefined
      }
      const page = readMetricsPage(text)
      if (Object.keys(page).length === 0) problems.add(`${url}: no vLLM figures on the page`)
      return page
    } catch (error) {
      problems.add(`${url}: ${(error as Error).name === 'TimeoutError' ? `no answer within ${timeoutMs / 1000} s` : (error as Error).message}`)
      return undefined
    }
  }
  const sample = (): Promise<void> => {
    // One sample at a time: a slow page delays the next tick instead of piling requests up.
    inFlight ??= (async () => {
      const tS = (performance.now() - started) / 1000
      samples.push({ tS, pages: await Promise.all(urls.map(fetchPage)) })
    })().finally(() => (inFlight = undefined))
    return inFlight
  }
  const timer = urls.length > 0 ? setInterval(() => void sample(), intervalS * 1000) : undefined
  timer?.unref()
  if (urls.length > 0) void sample()

  return {
    async stop(): Promise<ServerTelemetry> {
      if (timer) clearInterval(timer)
      if (urls.length > 0) {
        await inFlight
        await sample()
      }
      return summarise(urls.length, intervalS, samples, [...problems], options.maxSeriesPoints ?? 240)
    },
  }
}

/** A counter's increase on one page between its first and last reading (a restart resets it: then its last value). */
function counterIncrease(samples: readonly Sample[], source: number, figure: ServerFigure): number | undefined {
  const readings = samples.flatMap((s) => {
    const f = s.pages[source]?.[figure]
    return f ? [sum(f.values)] : []
  })
  if (readings.length === 0) return undefined
  const first = readings[0]!
  const last = readings.at(-1)!
  return last >= first ? last - first : last
}

function summarise(sources: number, intervalS: number, samples: readonly Sample[], unavailable: string[], maxPoints: number): ServerTelemetry {
  const metricNames: Record<string, string> = {}
  for (const s of samples)
    for (const page of s.pages)
      for (const [figure, f] of Object.entries(page ?? {})) metricNames[figure] ??= f!.name
  const gauge = (s: Sample, figure: ServerFigure): number[] | undefined => {
    const values = s.pages.flatMap((p) => p?.[figure]?.values ?? [])
    return values.length ? values : undefined
  }
  // Per sample: KV use per engine, requests summed over engines (the node's queue).
  const kv = samples.map((s) => gauge(s, 'kvCacheUsage'))
  const running = samples.map((s) => gauge(s, 'running')).map((v) => (v ? sum(v) : undefined))
  const waiting = samples.map((s) => gauge(s, 'waiting')).map((v) => (v ? sum(v) : undefined))
  const present = <T>(xs: ReadonlyArray<T | undefined>): T[] => xs.filter((x): x is T => x !== undefined)
  const increase = (figure: ServerFigure): number | undefined => {
    const perSource = Array.from({ length: sources }, (_, i) => counterIncrease(samples, i, figure))
    return perSource.some((x) => x !== undefined) ? sum(present(perSource)) : undefined
  }
  const counters = Object.fromEntries((Object.keys(SERVER_FIGURES) as ServerFigure[]).filter((f) => SERVER_FIGURES[f].kind === 'counter').map((f) => [f, increase(f)])) as Partial<Record<ServerFigure, number>>
  for (const figure of ['kvCacheUsage', 'running', 'waiting', 'preemptions'] as const)
    if (samples.length > 0 && metricNames[figure] === undefined && sources > 0) unavailable.push(`${figure}: none of ${SERVER_FIGURES[figure].names.join(', ')} on the page`)
  const kvPeaks = present(kv).map((v) => Math.max(...v))
  const series = samples.map((s, i) => ({ tS: Math.round(s.tS * 1000) / 1000, ...(kv[i] ? { kvCacheUsage: mean(kv[i]!)! } : {}), ...(running[i] !== undefined ? { running: running[i]! } : {}), ...(waiting[i] !== undefined ? { waiting: waiting[i]! } : {}) }))
  const step = Math.max(1, Math.ceil(series.length / maxPoints))
  const rate = (hits?: number, queries?: number) => (hits !== undefined && queries !== undefined && queries > 0 ? hits / queries : undefined)
  const out: ServerTelemetry = {
    sources,
    samples: samples.length,
    intervalS,
    metricNames,
    unavailable,
    series: series.filter((_, i) => i % step === 0 || i === series.length - 1),
  }
  const set = <K extends keyof ServerTelemetry>(key: K, value: ServerTelemetry[K] | undefined) => {
    if (value !== undefined) out[key] = value
  }
  set('kvCacheUsagePeak', kvPeaks.length ? Math.max(...kvPeaks) : undefined)
  set('kvCacheUsageMean', mean(present(kv).map((v) => mean(v)!)))
  set('runningMean', mean(present(running)))
  set('waitingMean', mean(present(waiting)))
  set('waitingPeak', present(waiting).length ? Math.max(...present(waiting)) : undefined)
  set('preemptions', counters.preemptions)
  set('promptTokens', counters.promptTokens)
  set('generationTokens', counters.generationTokens)
  set('prefixCacheHitRate', rate(counters.prefixHits, counters.prefixQueries))
  set('specDecodeAcceptanceRate', rate(counters.specAcceptedTokens, counters.specDraftTokens))
  return out
}
