/**
 * `mlnode-bench validation record --out ref.jsonl` / `validation check --reference ref.jsonl`:
 * the suite's validation step (src/validation) against a running server, outside vitest. The
 * target is --url, else INFERENCE_URL, else MLNODE_URL (MLNode's own /v1 proxy): a real MLNode,
 * a plain vLLM, or the simulator `mlnode-bench sim` started. A suite points validation.referenceFile
 * at the recorded file so every PR's variants are held to the same reference.
 */
import { MlnodeBenchError, redact } from '../../errors.js'
import { checkProbes, recordProbes, type ProbeRun } from '../../validation/check.js'
import { DEFAULT_SAMPLINGS } from '../../validation/options.js'
import { buildProbes } from '../../validation/probes.js'
import { assertReferenceMatches, readReference, REFERENCE_KIND, writeReference } from '../../validation/reference.js'
import { figuresOf, validationError } from '../../run/validation-bench.js'
import { resolveThreshold } from '../../validation/thresholds.js'
import { parseCommandLine, usageError } from '../parse-options.js'

export const summary = "record a deployment's validation probe answers, or check one against them (the network's CompareLogits)"

const USAGE = `Usage: mlnode-bench validation record --out <ref.jsonl> [--url <OpenAI root>] [--model <id>]
                           [--variant <name>] [--prompts 32] [--max-tokens 128] [--logprobs-mode processed_logprobs|raw_logprobs]
       mlnode-bench validation check --reference <ref.jsonl> [--url <OpenAI root>] [--model <id>]
                           [--threshold <0..1>] [--json]

record runs the probes (prompts × greedy, t=0.7/top_p=0.9 and t=0.7/top_p=0.9/top_k=20, built as the
network builds requests: logprobs, top_logprobs 5, seed, return_token_ids) and writes the answers.
check replays each recorded answer with enforced_tokens and scores it with the network's
CompareLogits; a server that ignores enforced_tokens (plain vLLM) is compared on exact tokens,
with the reason shown. Exit 1 when the similarity is at or below the threshold (the model's
network threshold, else 0.99). The server: --url, else INFERENCE_URL, else MLNODE_URL; an API key
is read from OPENAI_API_KEY (or the variable MLNODE_BENCH_API_KEY_ENV names) and never printed.`

interface Server {
  run: ProbeRun
  shown: string
  /** The embedded simulator answers with x-mlnode-sim: its figures are simulated and say so. */
  simulated?: string
}

async function server(url: string | undefined, model: string | undefined, mode: string | undefined): Promise<Server> {
  const root = url ?? process.env.INFERENCE_URL ?? process.env.MLNODE_URL
  if (!root) throw usageError('validation', 'no server: give --url, or set INFERENCE_URL or MLNODE_URL', { option: 'url' })
  const keyEnv = process.env.MLNODE_BENCH_API_KEY_ENV || 'OPENAI_API_KEY'
  const headers = process.env[keyEnv] ? { authorization: `Bearer ${process.env[keyEnv]}` } : undefined
  const endpoint = { inferenceUrl: root.replace(/\/+$/, ''), ...(headers ? { headers } : {}) }
  const models = await servedModels(endpoint.inferenceUrl, headers, model === undefined)
  const served = model ?? models.id!
  if (mode !== undefined && mode !== 'processed_logprobs' && mode !== 'raw_logprobs') throw usageError('validation', `--logprobs-mode must be processed_logprobs or raw_logprobs, got ${JSON.stringify(mode)}`, { option: 'logprobs-mode', value: mode })
  return { run: { endpoint, model: served, ...(mode ? { mode: mode as 'processed_logprobs' | 'raw_logprobs' } : {}) }, shown: redact(endpoint.inferenceUrl), ...(models.simulated ? { simulated: models.simulated } : {}) }
}

/** The first model of /v1/models, and the simulator's hardware when the embedded simulator answers. */
async function servedModels(root: string, headers: Record<string, string> | undefined, needId: boolean): Promise<{ id?: string; simulated?: string }> {
  const response = await fetch(`${root}/v1/models`, { ...(headers ? { headers } : {}), signal: AbortSignal.timeout(30_000) }).catch((error: unknown) => {
    throw new MlnodeBenchError('MLNB_CLI', `${redact(root)}/v1/models cannot be reached: ${(error as Error).message}`)
  })
  const simulated = response.headers.get('x-mlnode-sim') === '1' ? (response.headers.get('x-mlnode-sim-hardware') ?? 'unknown hardware') : undefined
  const body = (await response.json().catch(() => undefined)) as { data?: Array<{ id?: unknown }> } | undefined
  const id = body?.data?.[0]?.id
  if (needId && (!response.ok || typeof id !== 'string')) throw new MlnodeBenchError('MLNB_CLI', `${redact(root)}/v1/models answered ${response.status} without a model id: is a model deployed? (or give --model)`)
  return { ...(typeof id === 'string' ? { id } : {}), ...(simulated ? { simulated } : {}) }
}

const label = (s: Server) => (s.simulated ? ` (SIMULATED ${s.simulated}: the embedded simulator's pseudo-LM, not a GPU)` : '')

export async function run(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv
  if (sub === undefined || sub === '--help' || sub === '-h') {
    console.log(USAGE)
    return sub === undefined ? 2 : 0
  }
  if (sub === 'record') return record(rest)
  if (sub === 'check') return check(rest)
  throw usageError('validation', `unknown subcommand ${JSON.stringify(sub)}: record or check`)
}

async function record(argv: string[]): Promise<number> {
  const cli = parseCommandLine(
    {
      command: 'validation record',
      usage: USAGE,
      options: {
        out: { type: 'string', required: true },
        url: { type: 'string' },
        model: { type: 'string' },
        variant: { type: 'string' },
        prompts: { type: 'integer', min: 1 },
        'max-tokens': { type: 'integer', min: 1 },
        'logprobs-mode': { type: 'string' },
      },
    },
    argv,
  )
  if (!cli) return 0
  const v = cli.values
  const target = await server(v.url, v.model, v['logprobs-mode'])
  const probes = buildProbes({ prompts: v.prompts ?? 32, maxTokens: v['max-tokens'] ?? 128, samplings: DEFAULT_SAMPLINGS })
  console.log(`mlnode-bench validation: recording ${probes.length} probes of ${target.run.model} at ${target.shown}${label(target)}`)
  const answers = await recordProbes(target.run, probes)
  await writeReference(v.out, {
    header: { kind: REFERENCE_KIND, version: 1, model: target.run.model, variant: v.variant ?? 'as-deployed', args: [], target: target.simulated ? { kind: 'simulated', hardware: target.simulated } : { kind: 'server', hardware: target.shown }, recordedAt: new Date().toISOString(), ...(target.run.mode ? { logprobsMode: target.run.mode } : {}) },
    probes: answers,
  })
  console.log(`mlnode-bench validation: ${answers.length} answers (${answers.reduce((n, a) => n + a.answer.length, 0)} tokens) written to ${v.out}`)
  return 0
}

async function check(argv: string[]): Promise<number> {
  const cli = parseCommandLine(
    {
      command: 'validation check',
      usage: USAGE,
      options: {
        reference: { type: 'string', required: true },
        url: { type: 'string' },
        model: { type: 'string' },
        threshold: { type: 'number', above: 0, below: 1 },
        json: { type: 'boolean' },
      },
    },
    argv,
  )
  if (!cli) return 0
  const v = cli.values
  const reference = await readReference(v.reference)
  const target = await server(v.url, v.model, reference.header.logprobsMode)
  assertReferenceMatches(reference, v.reference, { model: target.run.model })
  const threshold = resolveThreshold(target.run.model, v.threshold)
  const outcome = await checkProbes(target.run, reference.probes, threshold.value)
  const figures = figuresOf(outcome, v.reference, { threshold })
  if (v.json) console.log(JSON.stringify({ ...figures, ...(target.simulated ? { simulated: target.simulated } : {}) }, null, 2))
  else {
    console.log(`mlnode-bench validation: ${target.run.model} at ${target.shown}${label(target)} vs ${v.reference} (recorded on ${reference.header.variant}, ${reference.header.target.kind} ${reference.header.target.hardware})`)
    console.log(`  mode ${figures.mode}${figures.modeReason ? ` — ${figures.modeReason}` : ''}`)
    console.log(`  similarity min ${figures.minSimilarity.toFixed(4)}, median ${figures.medianSimilarity.toFixed(4)} over ${figures.compared} of ${figures.probes} probes; ${Math.round(figures.belowThresholdShare * 100)} % at or below threshold ${threshold.value} (${threshold.source})`)
    if (figures.firstDifference) console.log(`  first differing token: ${figures.firstDifference.probe} position ${figures.firstDifference.position}: reference ${figures.firstDifference.referenceToken}, this server ${figures.firstDifference.variantToken}`)
  }
  if (!figures.passed) throw validationError(target.run.model, 'as deployed', figures)
  console.log('mlnode-bench validation: passes')
  return 0
}
