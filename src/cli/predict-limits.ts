/**
 * What `predict` refuses before simulating: vLLM args it does not know (a misspelt flag would be
 * ignored by the model and rejected by vLLM) and workloads whose every request exceeds the max
 * model len (the simulated engine would reject them all and print a table of zeros).
 */
import { mandatoryArgProblems } from '../args/mandatory-check.js'
import type { WorkloadSize } from './predict-budget.js'
import { usageError } from './parse-options.js'

/** @throws MlnodeBenchError MLNB_USAGE naming each unknown or contradicting arg of `--args`. */
export function checkPredictArgs(tokens: readonly string[]): void {
  const problems = mandatoryArgProblems(tokens)
  if (problems.length > 0) throw usageError('predict', `--args: ${problems.join('; ')}`, { option: 'args', problems })
}

/**
 * @param how where the max model len comes from, for the message.
 * @throws MlnodeBenchError MLNB_USAGE when a workload's prompt + output tokens exceed it.
 */
export function checkPredictLengths(sizes: readonly WorkloadSize[], maxModelLen: number, how: string, fromOptions: boolean): void {
  for (const size of sizes) {
    const total = size.promptTokens + size.outputTokens
    if (total <= maxModelLen) continue
    const what = fromOptions ? `--prompt-tokens ${size.promptTokens} + --max-tokens ${size.outputTokens}` : `workload "${size.name}": ${size.promptTokens} prompt + ${size.outputTokens} output tokens`
    throw usageError(
      'predict',
      `${what} = ${total} tokens is more than the max model len ${maxModelLen} (${how}): vLLM would reject every request. The most is ${maxModelLen} tokens of prompt and output together.`,
      { option: fromOptions ? 'prompt-tokens' : 'workloads', maxModelLen },
    )
  }
}
