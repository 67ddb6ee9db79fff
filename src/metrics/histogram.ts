/**
 * HDR histograms of latencies in MICROSECONDS (3 significant digits), encoded as compressed base64
 * so raw distributions travel in results/baselines and merge across runs and shards (docs/README.md
 * "Conventions" 3; autocannon's histUtil). Uses the pure-JS build of hdr-histogram-js: recording a few
 * thousand values per workload is far below the cost where the wasm build pays for its set-up.
 */
import * as hdr from 'hdr-histogram-js'
import { MlnodeBenchError } from '../errors.js'
import type { DistributionSummary } from '../contracts/records.js'

/** Resolution and range shared by every histogram we write (1 µs .. 1 h, auto-resized beyond). */
const HISTOGRAM_REQUEST: hdr.BuildRequest = {
  bitBucketSize: 32,
  lowestDiscernibleValue: 1,
  highestTrackableValue: 3_600_000_000,
  numberOfSignificantValueDigits: 3,
  autoResize: true,
  useWebAssembly: false,
}

/** A new empty histogram with the project's settings. */
export function createHistogram(): hdr.Histogram {
  return hdr.build(HISTOGRAM_REQUEST)
}

/** Records milliseconds values at microsecond resolution (negative values clamp to 0). */
export function histogramFromMs(valuesMs: readonly number[]): hdr.Histogram {
  const histogram = createHistogram()
  for (const ms of valuesMs) histogram.recordValue(Math.max(0, Math.round(ms * 1000)))
  return histogram
}

/** `encodeIntoCompressedBase64` of a histogram. */
export function encodeHistogram(histogram: hdr.Histogram): string {
  return hdr.encodeIntoCompressedBase64(histogram)
}

/** Inverse of `encodeHistogram`; an empty string decodes to an empty histogram. */
export function decodeHistogram(encoded: string): hdr.Histogram {
  if (encoded === '') return createHistogram()
  return hdr.decodeFromCompressedBase64(encoded, 32, false)
}

/** Merges encoded histograms (runs, shards) into one encoded histogram. */
export function mergeHistograms(encoded: readonly string[]): string {
  const merged = createHistogram()
  for (const one of encoded) merged.add(decodeHistogram(one))
  return encodeHistogram(merged)
}

/**
 * Summary figures read from a histogram (±0.1 % value resolution): used for merged
 * distributions, where the exact values are gone. HDR percentiles are "value at or below which
 * the given share of recorded values falls" (nearest-rank on buckets, no interpolation).
 */
export function summaryFromHistogram(encoded: string): DistributionSummary {
  const histogram = decodeHistogram(encoded)
  const count = histogram.totalCount
  if (count === 0) return emptySummary(encoded)
  const ms = (us: number): number => us / 1000
  return {
    count,
    meanMs: ms(histogram.mean),
    medianMs: ms(histogram.getValueAtPercentile(50)),
    p90Ms: ms(histogram.getValueAtPercentile(90)),
    p95Ms: ms(histogram.getValueAtPercentile(95)),
    p99Ms: ms(histogram.getValueAtPercentile(99)),
    minMs: ms(histogram.getValueAtPercentile(0)),
    maxMs: ms(histogram.maxValue),
    stdMs: ms(histogram.stdDeviation),
    histogram: encoded,
  }
}

/** A summary of no values (all figures 0). */
export function emptySummary(histogram = encodeHistogram(createHistogram())): DistributionSummary {
  return { count: 0, meanMs: 0, medianMs: 0, p90Ms: 0, p95Ms: 0, p99Ms: 0, minMs: 0, maxMs: 0, stdMs: 0, histogram }
}

/** Sorted (value µs, count) pairs of a histogram's recorded buckets. */
export type ValueCounts = ReadonlyArray<readonly [value: number, count: number]>

/**
 * Decodes an encoded histogram into sorted (value µs, count) pairs: the significance tests and
 * the distribution charts read them. Each value is the bucket's highest equivalent value, so
 * equal buckets compare as ties.
 * @throws MlnodeBenchError MLNB_REPORT naming `subject` when the text is not a histogram.
 */
export function decodeValueCounts(encoded: string, subject: string): ValueCounts {
  if (encoded === '') return []
  let histogram: hdr.Histogram
  try {
    histogram = decodeHistogram(encoded)
  } catch (cause) {
    throw new MlnodeBenchError('MLNB_REPORT', `${subject}: histogram is not a compressed base64 HDR histogram`, { cause })
  }
  const out: Array<[number, number]> = []
  // Decoded histograms are JsHistograms (useWebAssembly is false).
  const iterator = (histogram as unknown as { recordedValuesIterator: RecordedValuesIterator }).recordedValuesIterator
  iterator.reset()
  while (iterator.hasNext()) {
    const step = iterator.next()
    out.push([step.valueIteratedTo, step.countAddedInThisIterationStep])
  }
  histogram.destroy()
  return out
}

interface RecordedValuesIterator {
  reset(): void
  hasNext(): boolean
  next(): { valueIteratedTo: number; countAddedInThisIterationStep: number }
}
