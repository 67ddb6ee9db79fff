/**
 * Recorded reference answers: the reference variant's probe answers (tokens and top-5 logprobs)
 * as JSON Lines, a header line first. Written atomically; read with a named error for every
 * broken line. `poc` is reserved for the PoC vectors of the same deployment (written elsewhere).
 */
import { readFile } from 'node:fs/promises'
import { MlnodeBenchError } from '../errors.js'
import { writeFileAtomic } from '../outputs/atomic-write.js'
import type { PositionLogprobs } from './compare-logits.js'
import type { Probe } from './probes.js'

export const REFERENCE_KIND = 'mlnode-bench/validation-reference'

export interface ReferenceHeader {
  kind: typeof REFERENCE_KIND
  version: 1
  model: string
  /** The variant (or "as-deployed") that answered, and its args. */
  variant: string
  args: string[]
  /** Where it ran: simulated numbers stay labelled simulated. */
  target: { kind: string; hardware: string }
  recordedAt: string
  logprobsMode?: string
  /** The PoC vectors of the same deployment for the check's nonces (src/validation/poc-vectors.ts). */
  poc?: { seqLen: number; vectors: Array<{ nonce: number; vector_b64: string }> }
}

export interface RecordedProbe {
  probe: Probe
  answer: PositionLogprobs[]
}

export interface RecordedReference {
  header: ReferenceHeader
  probes: RecordedProbe[]
}

export async function writeReference(path: string, reference: RecordedReference): Promise<void> {
  const lines = [JSON.stringify(reference.header), ...reference.probes.map((p) => JSON.stringify(p))]
  await writeFileAtomic(path, `${lines.join('\n')}\n`)
}

const fail = (file: string, message: string) => new MlnodeBenchError('MLNB_VALIDATION_REFERENCE', `${file}: ${message}`, { details: { file } })

/** @throws MlnodeBenchError MLNB_VALIDATION_REFERENCE naming the file, line and field. */
export async function readReference(path: string, shown = path): Promise<RecordedReference> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    throw fail(shown, `cannot read the validation reference: ${(error as Error).message}`)
  }
  const lines = text.split('\n').filter((l) => l.trim() !== '')
  const parse = (i: number): Record<string, unknown> => {
    try {
      const v = JSON.parse(lines[i]!)
      if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error('not an object')
      return v as Record<string, unknown>
    } catch (error) {
      throw fail(shown, `line ${i + 1} is not a JSON object (${(error as Error).message})`)
    }
  }
  if (lines.length === 0) throw fail(shown, 'is empty: expected a header line and one line per probe (mlnode-bench validation record)')
  const header = parse(0)
  if (header.kind !== REFERENCE_KIND) throw fail(shown, `line 1: field "kind" is ${JSON.stringify(header.kind)}, expected "${REFERENCE_KIND}"`)
  if (header.version !== 1) throw fail(shown, `line 1: field "version" is ${JSON.stringify(header.version)}, expected 1`)
  for (const field of ['model', 'variant', 'recordedAt'] as const) if (typeof header[field] !== 'string') throw fail(shown, `line 1: field "${field}" is ${JSON.stringify(header[field])}, expected a string`)
  const probes: RecordedProbe[] = []
  for (let i = 1; i < lines.length; i++) {
    const row = parse(i)
    const probe = row.probe as Probe | undefined
    if (typeof probe !== 'object' || probe === null || typeof probe.id !== 'string' || !Array.isArray(probe.messages) || typeof probe.seed !== 'number' || typeof probe.maxTokens !== 'number' || typeof probe.sampling?.temperature !== 'number')
      throw fail(shown, `line ${i + 1}: field "probe" is not {id, messages, sampling, seed, maxTokens}`)
    const answer = row.answer
    if (!Array.isArray(answer) || answer.length === 0 || !answer.every((p) => typeof p?.token === 'string' && typeof p?.logprob === 'number' && Array.isArray(p?.top_logprobs) && p.top_logprobs.length > 0))
      throw fail(shown, `line ${i + 1}: field "answer" of ${probe.id} is not a non-empty list of {token, logprob, top_logprobs}`)
    probes.push({ probe, answer: answer as PositionLogprobs[] })
  }
  if (probes.length === 0) throw fail(shown, 'holds no probe answers')
  return { header: header as unknown as ReferenceHeader, probes }
}

/**
 * A reference recorded with another model or probe set cannot judge this run.
 * @throws MlnodeBenchError MLNB_VALIDATION_REFERENCE naming the first difference.
 */
export function assertReferenceMatches(reference: RecordedReference, shown: string, expected: { model: string; probes?: readonly Probe[] }): void {
  if (reference.header.model !== expected.model) throw fail(shown, `was recorded for model ${JSON.stringify(reference.header.model)}, not ${JSON.stringify(expected.model)}`)
  if (!expected.probes) return
  if (reference.probes.length !== expected.probes.length) throw fail(shown, `holds ${reference.probes.length} probes, the suite's validation asks for ${expected.probes.length} (validation.prompts)`)
  expected.probes.forEach((probe, i) => {
    const recorded = reference.probes[i]!.probe
    if (JSON.stringify(recorded) !== JSON.stringify(probe)) throw fail(shown, `probe ${i + 1} (${recorded.id}) differs from the suite's: recorded ${JSON.stringify(recorded)}, the suite asks ${JSON.stringify(probe)} (prompts, samplings and maxTokens must match the recording)`)
  })
}
