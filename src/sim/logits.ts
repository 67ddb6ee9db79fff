/**
 * The simulator's pseudo language model, for logprobs and inference validation (SIMULATED: no
 * weights, no tokenizer). At each position the model's logits over a few candidate token ids
 * depend only on the model, the prompt and the tokens before it; on top of them:
 * - output-changing args (`--kv-cache-dtype`, `--quantization`, `--dtype`…: vLLM's
 *   inference-class args, src/args/options.ts) add a perturbation of OUTPUT_ARG_SIGMA nats keyed
 *   by their values: every variant sharing them shares it, a variant that changes one drifts
 *   beyond the network's thresholds;
 * - the layout (TP, PP, tunable args, the GPUs) adds LAYOUT_SIGMA nats keyed by it: the small
 *   reduction-order noise real layouts cause, well inside the thresholds.
 * docs/validation-check.md §5 gives the magnitudes and why. Everything is a function of its
 * inputs: the same request on the same deployment gives the same tokens and logprobs.
 */
import { canonicalArgName, classifyArg, scanVllmArgs } from '../args/index.js'
import { createRng, hashString } from './rng.js'
import type { DeployRequest } from './variant.js'

/** Candidate tokens per position; the rest of the vocabulary is one tail mass. */
const CANDIDATES = 12
/** Token ids are drawn from a Qwen2-sized vocabulary (151 643 regular tokens). */
const VOCAB = 151_643
/**
 * Simulated drift of a different layout or GPU, as a standard deviation of the logits (nats).
 * Gives a CompareLogits similarity ≈ 0.99 between layouts (docs/validation-check.md §5).
 */
export const LAYOUT_SIGMA = 0.03
/** Simulated drift of a different output-changing arg (quantized weights or KV cache), nats. */
export const OUTPUT_ARG_SIGMA = 1.5
/** vLLM's processed logprobs clamp -inf to this (gonka-ai/gonka mlnode/packages/benchmarks/scripts README, "Choosing the logprobs mode"). */
export const CLAMPED_NEG_INF = -9999.0

/** Inference-class args with no effect on the numbers (names, limits, parsers): not part of the output key. */
const NO_NUMERIC_EFFECT = new Set(['served-model-name', 'max-model-len', 'max-logprobs', 'logprobs-mode', 'seed', 'reasoning-parser', 'guided-decoding-backend', 'structured-outputs-config', 'trust-remote-code', 'generation-config', 'override-generation-config'])

/** What the logits of a deployment depend on. */
export interface LogitsIdentity {
  model: string
  /** dtype and output-changing args with their values, canonical and sorted. */
  outputKey: string
  /** TP, PP, tunable args and the GPUs. */
  layoutKey: string
}

/** The identity of a deploy request on a hardware profile. */
export function logitsIdentity(request: DeployRequest, hardwareId: string, layout: { tp: number; pp: number }): LogitsIdentity {
  const { parsed } = scanVllmArgs(request.additionalArgs)
  const output: string[] = [`dtype=${request.dtype}`]
  const tunable: string[] = []
  for (const key of parsed.order) {
    const name = canonicalArgName(`--${key}`)
    if (name === 'tensor-parallel-size' || name === 'pipeline-parallel-size') continue
    const entry = `${name}=${String(parsed.values.get(key))}`
    const cls = classifyArg(`--${name}`)
    if (cls === 'inference' && !NO_NUMERIC_EFFECT.has(name)) output.push(entry)
    else if (cls === 'tunable') tunable.push(entry)
  }
  return { model: request.model, outputKey: output.sort().join(' '), layoutKey: [`hw=${hardwareId}`, `tp=${layout.tp}`, `pp=${layout.pp}`, ...tunable.sort()].join(' ') }
}

/** Sampling params of one request, as vLLM reads them. */
export interface Sampling {
  temperature: number
  topP: number
  /** 0 or -1: off. */
  topK: number
}

export type LogprobsMode = 'processed_logprobs' | 'raw_logprobs'

/** One generated position: the token id, its logprob and the top `k` (id, logprob), best first. */
export interface GeneratedPosition {
  token: number
  logprob: number
  top: Array<{ token: number; logprob: number }>
}

interface Distribution {
  ids: number[]
  /** Raw logits of the candidates, and the tail's log-mass. */
  logits: number[]
  tail: number
}

function gaussian(rng: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng())
}

function logSumExp(xs: readonly number[]): number {
  const m = Math.max(...xs)
  if (!Number.isFinite(m)) return m
  let s = 0
  for (const x of xs) s += Math.exp(x - m)
  return m + Math.log(s)
}

/** The deployment's logits at the position whose context hash is `h`. */
function distributionAt(identity: LogitsIdentity, h: number): Distribution {
  const base = createRng(h)
  const ids: number[] = []
  while (ids.length < CANDIDATES) {
    const id = Math.floor(base() * VOCAB)
    if (!ids.includes(id)) ids.push(id)
  }
  // A position is confident or uncertain: mean gap between neighbours 0.3 … 2.8 nats.
  const meanGap = 0.3 + 2.5 * base()
  const logits: number[] = [0]
  for (let j = 1; j < CANDIDATES; j++) logits.push(logits[j - 1]! + Math.log(1 - base()) * meanGap)
  const tail = logits[CANDIDATES - 1]! - 1.5 + Math.log(20)
  const output = createRng(hashString(identity.outputKey, h ^ 0x2545f491))
  const layout = createRng(hashString(identity.layoutKey, h ^ 0x9e3779b9))
  for (let j = 0; j < CANDIDATES; j++) logits[j] = logits[j]! + OUTPUT_ARG_SIGMA * gaussian(output) + LAYOUT_SIGMA * gaussian(layout)
  return { ids, logits, tail }
}

/** Log-probabilities after temperature, top-k and top-p; excluded candidates get -Infinity. */
function processed(d: Distribution, s: Sampling): { logprobs: number[]; tail: number } {
  // vLLM leaves greedy requests' logits unscaled (temperature below its epsilon counts as 1).
  const t = s.temperature < 1e-5 ? 1 : s.temperature
  const scaled = d.logits.map((z) => z / t)
  const order = scaled.map((_, j) => j).sort((a, b) => scaled[b]! - scaled[a]!)
  const keep = new Set(order)
  let tailKept = true
  if (s.topK > 0 && s.topK < CANDIDATES + 1) {
    tailKept = false
    for (const j of order.slice(s.topK)) keep.delete(j)
  }
  if (s.topP < 1) {
    const all = logSumExp([...scaled, d.tail / t])
    let mass = 0
    for (let i = 0; i < order.length; i++) {
      const j = order[i]!
      if (!keep.has(j)) continue
      if (mass >= s.topP) keep.delete(j)
      mass += Math.exp(scaled[j]! - all)
    }
    if (mass >= s.topP) tailKept = false
  }
  const kept = [...keep].map((j) => scaled[j]!)
  const norm = logSumExp(tailKept ? [...kept, d.tail / t] : kept)
  return { logprobs: scaled.map((z, j) => (keep.has(j) ? z - norm : -Infinity)), tail: tailKept ? d.tail / t - norm : -Infinity }
}

function raw(d: Distribution): number[] {
  const norm = logSumExp([...d.logits, d.tail])
  return d.logits.map((z) => z - norm)
}

export interface GenerateInput {
  identity: LogitsIdentity
  /** The request's content: messages or prompt, exactly as sent. */
  promptKey: string
  sampling: Sampling
  mode: LogprobsMode
  /** top_logprobs asked for (0 … CANDIDATES). */
  topLogprobs: number
  /** Tokens to produce when nothing is enforced. */
  length: number
  /** Forced tokens (`enforced_tokens`): the output is exactly these, with the model's own logprobs. */
  enforced?: readonly number[]
  /** The sampling seed (request `seed`, else a per-request one). */
  seed: number
}

/**
 * Generates (or scores, when `enforced`) one answer. A sampled token is drawn among the kept
 * candidates of the processed distribution with a uniform from the seed; greedy takes the best.
 */
export function generate(input: GenerateInput): GeneratedPosition[] {
  const out: GeneratedPosition[] = []
  let h = hashString(input.promptKey, hashString(input.identity.model))
  const draws = createRng(hashString(input.promptKey, input.seed >>> 0))
  const length = input.enforced ? input.enforced.length : input.length
  for (let t = 0; t < length; t++) {
    const d = distributionAt(input.identity, h)
    const p = processed(d, input.sampling)
    const shown = input.mode === 'raw_logprobs' ? raw(d) : p.logprobs
    const u = draws()
    let pick: number
    if (input.enforced) {
      const id = input.enforced[t]!
      pick = d.ids.indexOf(id)
      const logprob = pick >= 0 ? shown[pick]! : input.mode === 'raw_logprobs' ? d.tail - logSumExp([...d.logits, d.tail]) - Math.log(VOCAB) : CLAMPED_NEG_INF
      out.push({ token: id, logprob: clamp(logprob), top: topOf(d.ids, shown, input.topLogprobs) })
      h = hashString(String(id), h)
      continue
    }
    if (input.sampling.temperature < 1e-5) pick = argmax(d.logits)
    else pick = sampleIndex(p.logprobs, u)
    out.push({ token: d.ids[pick]!, logprob: clamp(shown[pick]!), top: topOf(d.ids, shown, input.topLogprobs) })
    h = hashString(String(d.ids[pick]!), h)
  }
  return out
}

function clamp(x: number): number {
  return Number.isFinite(x) ? x : CLAMPED_NEG_INF
}

function argmax(xs: readonly number[]): number {
  let best = 0
  for (let j = 1; j < xs.length; j++) if (xs[j]! > xs[best]!) best = j
  return best
}

/** The candidate at cumulative probability `u` among the kept candidates (the tail is never drawn). */
function sampleIndex(logprobs: readonly number[], u: number): number {
  const probs = logprobs.map((l) => (Number.isFinite(l) ? Math.exp(l) : 0))
  const total = probs.reduce((a, b) => a + b, 0)
  let acc = 0
  for (let j = 0; j < probs.length; j++) {
    acc += probs[j]! / total
    if (u < acc) return j
  }
  return argmax(logprobs)
}

function topOf(ids: readonly number[], logprobs: readonly number[], k: number): Array<{ token: number; logprob: number }> {
  const order = ids.map((_, j) => j).sort((a, b) => logprobs[b]! - logprobs[a]! || a - b)
  return order.slice(0, Math.max(0, Math.min(k, CANDIDATES))).map((j) => ({ token: ids[j]!, logprob: clamp(logprobs[j]!) }))
}
