/** Reads the encoded HDR histograms kept in results and baselines (microseconds). */
import * as hdr from 'hdr-histogram-js'
import { MlnodeBenchError } from '../errors.js'
import type { ValueCounts } from './significance.js'

/**
 * Decodes an `encodeIntoCompressedBase64` histogram into sorted (value µs, count) pairs.
 * Each value is the bucket's highest equivalent value, so equal buckets compare as ties.
 * @throws MlnodeBenchError MLNB_REPORT naming `subject` when the text is not a histogram.
 */
export function decodeValueCounts(encoded: string, subject: string): ValueCounts {
  if (encoded === '') return []
  let histogram: hdr.Histogram
  try {
    histogram = hdr.decodeFromCompressedBase64(encoded)
  } catch (cause) {
    throw new MlnodeBenchError('MLNB_REPORT', `${subject}: histogram is not a compressed base64 HDR histogram`, { cause })
  }
  const out: Array<[number, number]> = []
  // Decoded histograms are JsHistograms (useWebAssembly defaults to false).
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
