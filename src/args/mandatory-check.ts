/**
 * The network's mandatory args are sent to MLNode as written, so they are checked like a variant:
 * every option must be a vLLM option (a misspelt `--quantisation fp8` would make vLLM exit, or an
 * older build ignore it), and an option given twice with different values is a contradiction
 * (argparse keeps the last, so `--quantization fp8 --quantization awq` would deploy awq).
 */
import { MlnodeBenchError, redact } from '../errors.js'
import { didYouMean } from '../text/closest.js'
import { OPTIONS } from './options.js'
import { scanVllmArgs, showToken } from './parse.js'

/** Every problem of the mandatory args as sentences; empty when they are sound. */
export function mandatoryArgProblems(tokens: readonly string[]): string[] {
  const problems: string[] = []
  const { occurrences } = scanVllmArgs(tokens)
  const first = new Map<string, { value: unknown; spelling: string }>()
  for (const occurrence of occurrences) {
    const spec = OPTIONS.get(occurrence.key)
    if (spec === undefined) {
      problems.push(`'${showToken(occurrence.spelling)}': --${occurrence.key} is not a vLLM option${didYouMean(occurrence.key, OPTIONS.keys()).replace(/"([^"]+)"/, '--$1')}`)
      continue
    }
    // `append` options accumulate and dotted keys fold into one JSON: repeats are meant there.
    if (spec.kind === 'append' || occurrence.dotted !== undefined) continue
    const earlier = first.get(occurrence.key)
    if (earlier === undefined) first.set(occurrence.key, { value: occurrence.value, spelling: occurrence.spelling })
    else if (earlier.value !== occurrence.value) {
      problems.push(`'${showToken(earlier.spelling)}' and '${showToken(occurrence.spelling)}' contradict each other (vLLM would keep the last)`)
    }
  }
  return problems.map(redact)
}

/** @throws MlnodeBenchError MLNB_ARGS_PARSE listing every unknown option and contradiction. */
export function assertMandatoryArgs(tokens: readonly string[], source: string): void {
  const problems = mandatoryArgProblems(tokens)
  if (problems.length === 0) return
  throw new MlnodeBenchError('MLNB_ARGS_PARSE', `Bad mandatory args of ${source}:\n- ${problems.join('\n- ')}`, { details: { source, problems } })
}
