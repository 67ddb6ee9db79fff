/**
 * Rejects a bad workload before anything is sent (docs/README.md "Conventions" 2, autocannon's validate.js):
 * every message names the source file, the workload, the field and the value.
 */
import { MlnodeBenchError } from '../errors.js'
import type { WorkloadSpec } from '../contracts/workload.js'
import { validatePocWorkload } from '../poc/workload.js'
import { validateSweep } from '../sweep/spec.js'

type Check = (value: unknown) => string | undefined

const positiveInt: Check = (v) => (typeof v === 'number' && Number.isInteger(v) && v >= 1 ? undefined : 'must be an integer ≥ 1')
const nonNegativeInt: Check = (v) => (typeof v === 'number' && Number.isInteger(v) && v >= 0 ? undefined : 'must be an integer ≥ 0')
const positiveFinite: Check = (v) => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? undefined : 'must be a finite number > 0')
const nonNegativeFinite: Check = (v) => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? undefined : 'must be a finite number ≥ 0')
const integer: Check = (v) => (typeof v === 'number' && Number.isInteger(v) ? undefined : 'must be an integer')
const nonEmptyString: Check = (v) => (typeof v === 'string' && v.trim() !== '' ? undefined : 'must be a non-empty string')

function show(value: unknown): string {
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value)
  const text = JSON.stringify(value)
  return text === undefined ? String(value) : text.length > 80 ? `${text.slice(0, 77)}...` : text
}

/**
 * Throws MlnodeBenchError('MLNB_CONFIG') on the first invalid field of `spec`.
 * @param source file the spec came from, quoted in the message. @default spec.source
 */
export function validateWorkload(spec: WorkloadSpec, source: string | undefined = spec.source): void {
  const where = source === undefined ? '' : `${source}: `
  const name = typeof spec?.name === 'string' ? spec.name : '(unnamed)'
  const fail = (field: string, value: unknown, why: string): never => {
    throw new MlnodeBenchError('MLNB_CONFIG', `${where}workload "${name}": ${field} = ${show(value)} ${why}`, {
      details: { source, workload: name, field, value },
    })
  }
  const check = (field: string, value: unknown, test: Check, optional = true): void => {
    if (value === undefined && optional) return
    const why = test(value)
    if (why !== undefined) fail(field, value, why)
  }
  if (spec === null || typeof spec !== 'object') fail('workload', spec, 'must be an object')
  // A PoC workload has its own fields and none of the load's (src/poc/workload.ts).
  if (spec.poc !== undefined) return validatePocWorkload(spec, source)
  check('name', spec.name, nonEmptyString, false)
  if (spec.endpoint !== undefined && spec.endpoint !== 'chat' && spec.endpoint !== 'completions')
    fail('endpoint', spec.endpoint, "must be 'chat' or 'completions'")
  check('requests', spec.requests, positiveInt, false)
  check('warmupRequests', spec.warmupRequests, nonNegativeInt)
  check('concurrency', spec.concurrency, positiveInt)
  if (spec.arrival !== undefined) {
    if (spec.arrival === null || typeof spec.arrival !== 'object') fail('arrival', spec.arrival, 'must be an object')
    const rate = spec.arrival.ratePerS
    // A rate sweep sets each step's rate (src/sweep/spec.ts): arrival may carry only burstiness and the cap.
    const sweptRate = spec.sweep?.over === 'rate' && rate === undefined
    if (!sweptRate && !(typeof rate === 'number' && rate > 0 && !Number.isNaN(rate))) fail('arrival.ratePerS', rate, 'must be a number > 0 (Infinity = all at once)')
    check('arrival.burstiness', spec.arrival.burstiness, positiveFinite)
    check('arrival.maxConcurrency', spec.arrival.maxConcurrency, positiveInt)
    if (spec.concurrency !== undefined)
      fail('concurrency', spec.concurrency, 'is for closed-loop workloads; with arrival use arrival.maxConcurrency')
  }
  check('durationS', spec.durationS, positiveFinite)
  check('maxTokens', spec.maxTokens, positiveInt, false)
  check('temperature', spec.temperature, nonNegativeFinite)
  if (spec.ignoreEos !== undefined && typeof spec.ignoreEos !== 'boolean') fail('ignoreEos', spec.ignoreEos, 'must be true or false')
  check('seed', spec.seed, integer)
  check('requestTimeoutS', spec.requestTimeoutS, positiveFinite)
  check('idleTimeoutS', spec.idleTimeoutS, positiveFinite)
  if (spec.slo !== undefined) {
    check('slo.ttftMs', spec.slo.ttftMs, positiveFinite)
    check('slo.tpotMs', spec.slo.tpotMs, positiveFinite)
    check('slo.e2elMs', spec.slo.e2elMs, positiveFinite)
  }
  if (spec.extraBody !== undefined && (spec.extraBody === null || typeof spec.extraBody !== 'object' || Array.isArray(spec.extraBody)))
    fail('extraBody', spec.extraBody, 'must be an object')

  const prompt = spec.prompt as unknown as Record<string, unknown> | undefined
  if (prompt === undefined || prompt === null || typeof prompt !== 'object') fail('prompt', prompt, 'must be { tokens } | { file } | { chars, count } | { sharegpt } | { conversations } | { mooncakeTrace }')
  const kinds = ['tokens', 'file', 'chars', 'sharegpt', 'conversations', 'mooncakeTrace'].filter((k) => prompt![k] !== undefined)
  if (kinds.length !== 1) fail('prompt', prompt, 'must set exactly one of tokens, file, chars, sharegpt, conversations, mooncakeTrace')
  if (kinds[0] === 'tokens') {
    check('prompt.tokens', prompt!.tokens, positiveInt, false)
    check('prompt.count', prompt!.count, positiveInt)
    check('prompt.sharedPrefixTokens', prompt!.sharedPrefixTokens, nonNegativeInt)
    if (typeof prompt!.sharedPrefixTokens === 'number' && prompt!.sharedPrefixTokens >= (prompt!.tokens as number))
      fail('prompt.sharedPrefixTokens', prompt!.sharedPrefixTokens, `must be < prompt.tokens (${String(prompt!.tokens)})`)
  } else if (kinds[0] === 'file') {
    check('prompt.file', prompt!.file, nonEmptyString, false)
    if (prompt!.pick !== undefined && prompt!.pick !== 'cycle' && prompt!.pick !== 'random') fail('prompt.pick', prompt!.pick, "must be 'cycle' or 'random'")
    check('prompt.maxChars', prompt!.maxChars, positiveInt)
  } else if (kinds[0] !== 'chars') {
    // Dataset prompts (src/load/datasets): the file, and the options of its kind.
    check(`prompt.${kinds[0]!}`, prompt![kinds[0]!], nonEmptyString, false)
    for (const key of ['minTokens', 'maxPromptTokens', 'maxTotalTokens', 'blockTokens']) check(`prompt.${key}`, prompt![key], positiveInt)
    check('prompt.timeScale', prompt!.timeScale, positiveFinite)
    if (prompt!.answerLengthAsMaxTokens !== undefined && typeof prompt!.answerLengthAsMaxTokens !== 'boolean') fail('prompt.answerLengthAsMaxTokens', prompt!.answerLengthAsMaxTokens, 'must be true or false')
    if (kinds[0] === 'conversations' && spec.endpoint === 'completions') fail('endpoint', spec.endpoint, "must be 'chat' with prompt.conversations (each request carries a chat history)")
    if (kinds[0] === 'mooncakeTrace' && spec.arrival !== undefined) fail('arrival', spec.arrival, 'must be unset with prompt.mooncakeTrace (the trace\'s timestamps are the arrivals)')
    if (kinds[0] === 'mooncakeTrace' && spec.concurrency !== undefined) fail('concurrency', spec.concurrency, 'must be unset with prompt.mooncakeTrace (a trace replay is an open loop: every request goes out at its timestamp)')
  } else {
    check('prompt.chars', prompt!.chars, positiveInt, false)
    check('prompt.count', prompt!.count, positiveInt, false)
  }
  // A sweep's own fields (src/sweep/spec.ts).
  if (spec.sweep !== undefined) validateSweep(spec, source)
}
