/**
 * compressa-perf v0.2.5 YAML configs (docs/metrics.md "compressa-perf config") → WorkloadSpec[]. The file is a list of
 * experiments or one experiment object; keys are exactly compressa-perf's (its ExperimentConfig
 * dataclass: an unknown key is a TypeError there, an MLNB_CONFIG error here). Every error names
 * the file, the experiment and the key.
 *
 * Mapping: num_tasks → requests, num_runners → closed-loop concurrency, generate_prompts +
 * num_prompts + prompt_length (CHARACTERS) → `{ chars, count }`, else prompts_file (CSV column 0,
 * relative to the config file, truncated to prompt_length when set) picked at random with
 * replacement; max_tokens → maxTokens; chat endpoint, temperature 0.8 (what compressa-perf sends),
 * seed (default 42). model_name/node_url/account_address are kept under `compressa` and do not
 * steer the load: the deployment under test decides model and endpoint (like its CLI overrides).
 * Difference: compressa-perf lets a missing max_tokens mean "server default"; we require it,
 * since an unbounded generation is no benchmark.
 * 0.2.5 keys: min_tokens → vLLM's `min_tokens` sampling parameter in every request body (as
 * compressa-perf sends it); api_token_env_var names the environment variable holding the API
 * token, read when the workload runs and sent as `Authorization: Bearer …` (never printed, never
 * stored: only the variable's name is kept); transport (compressa-perf's Python HTTP client) is
 * recorded, the requests are always ours.
 */
import { existsSync } from 'node:fs'
import { readTextFile } from '../text/read-text-file.js'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse, YAMLParseError } from 'yaml'
import { MlnodeBenchError } from '../errors.js'
import { registerSecret } from '../outputs/secrets.js'
import type { WorkloadSpec } from '../contracts/workload.js'
import { validateWorkload } from './validate.js'

/** compressa-perf sends this temperature in every request. */
export const COMPRESSA_TEMPERATURE = 0.8
/** compressa-perf's default seed (ExperimentConfig.seed). */
export const COMPRESSA_DEFAULT_SEED = 42

const KEYS = new Set([
  'model_name',
  'experiment_name',
  'description',
  'num_tasks',
  'num_runners',
  'generate_prompts',
  'num_prompts',
  'prompt_length',
  'max_tokens',
  'prompts_file',
  'seed',
  'node_url',
  'account_address',
  // Added in compressa-perf 0.2.5.
  'min_tokens',
  'api_token_env_var',
  'transport',
])

/** Absolute path of MLNode's default compressa-perf config shipped with this package (6 experiments). */
export const compressaDefaultConfigPath: string = (() => {
  const here = dirname(fileURLToPath(import.meta.url))
  const beside = resolve(here, 'compressa-default.yml')
  // From the built dist/src/load/, the YAML lives in the published src/load/.
  return existsSync(beside) ? beside : resolve(here, '../../../src/load/compressa-default.yml')
})()

/** Reads and parses a compressa-perf YAML config file. */
export async function loadCompressaConfig(path: string): Promise<WorkloadSpec[]> {
  return parseCompressaConfig(await readTextFile(path, { what: 'compressa-perf config' }), resolve(path))
}

/** Parses compressa-perf YAML `text`; `source` (the file path) is quoted in errors and resolves prompts_file. */
export function parseCompressaConfig(text: string, source: string): WorkloadSpec[] {
  let data: unknown
  try {
    data = parse(text)
  } catch (error) {
    const where = error instanceof YAMLParseError && error.linePos !== undefined ? ` line ${error.linePos[0].line}` : ''
    throw new MlnodeBenchError('MLNB_CONFIG', `${source}${where}: not valid YAML: ${(error as Error).message.split('\n')[0]}`, {
      cause: error,
      details: { file: source },
    })
  }
  const experiments = Array.isArray(data) ? data : [data]
  if (experiments.length === 0 || data === null || data === undefined)
    throw new MlnodeBenchError('MLNB_CONFIG', `${source}: no experiments (expected a list of experiments or one experiment)`, { details: { file: source } })
  const specs = experiments.map((experiment, i) => toWorkload(experiment, i, source))
  const names = new Set<string>()
  for (const spec of specs) {
    if (names.has(spec.name))
      throw new MlnodeBenchError('MLNB_CONFIG', `${source}: experiment "${spec.name}": experiment_name is used twice`, { details: { file: source, experiment: spec.name, key: 'experiment_name' } })
    names.add(spec.name)
  }
  return specs
}

function toWorkload(raw: unknown, position: number, source: string): WorkloadSpec {
  const label = (): string => {
    const name = raw !== null && typeof raw === 'object' ? (raw as Record<string, unknown>).experiment_name : undefined
    return typeof name === 'string' ? `experiment "${name}"` : `experiment #${position + 1}`
  }
  const fail = (key: string, why: string, value?: unknown): never => {
    const shown = value === undefined ? '' : ` = ${JSON.stringify(value)}`
    throw new MlnodeBenchError('MLNB_CONFIG', `${source}: ${label()}: ${key}${shown} ${why}`, {
      details: { file: source, experiment: label(), key, value },
    })
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return fail('experiment', 'must be a mapping of compressa-perf keys', raw)
  const e = raw as Record<string, unknown>
  for (const key of Object.keys(e)) if (!KEYS.has(key)) fail(key, `is not a compressa-perf v0.2.5 key (known: ${[...KEYS].join(', ')})`)

  const str = (key: string, required: boolean): string | undefined => {
    const v = e[key]
    if (v === undefined || v === null) return required ? fail(key, 'is required') : undefined
    if (typeof v !== 'string' && typeof v !== 'number') return fail(key, 'must be a string', v)
    return String(v)
  }
  const int = (key: string, required: boolean, min = 1): number | undefined => {
    const v = e[key]
    if (v === undefined || v === null) return required ? fail(key, 'is required') : undefined
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min) return fail(key, `must be an integer ≥ ${min}`, v)
    return v
  }
  const modelName = str('model_name', true) as string
  const name = str('experiment_name', true) as string
  const description = str('description', true) as string
  const numTasks = int('num_tasks', true) as number
  const numRunners = int('num_runners', true) as number
  const generate = e.generate_prompts ?? false
  if (typeof generate !== 'boolean') fail('generate_prompts', 'must be true or false', generate)
  const numPrompts = int('num_prompts', false)
  const promptLength = int('prompt_length', false)
  const maxTokens = int('max_tokens', false)
  if (maxTokens === undefined) fail('max_tokens', 'is required by mlnode-bench (compressa-perf would leave the output length to the server)')
  const promptsFile = str('prompts_file', false)
  const seed = int('seed', false, Number.MIN_SAFE_INTEGER) ?? COMPRESSA_DEFAULT_SEED
  const nodeUrl = str('node_url', false)
  const accountAddress = str('account_address', false)
  const minTokens = int('min_tokens', false, 0)
  if (minTokens !== undefined && minTokens > (maxTokens as number)) fail('min_tokens', `must not exceed max_tokens (${maxTokens})`, minTokens)
  const tokenEnv = str('api_token_env_var', false)
  if (tokenEnv !== undefined && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(tokenEnv)) fail('api_token_env_var', 'must be an environment variable name', tokenEnv)
  const transport = str('transport', false)

  let prompt: WorkloadSpec['prompt']
  if (generate === true) {
    if (numPrompts === undefined) fail('num_prompts', 'is required when generate_prompts is true')
    if (promptLength === undefined) fail('prompt_length', 'is required when generate_prompts is true')
    prompt = { chars: promptLength as number, count: numPrompts as number }
  } else {
    if (promptsFile === undefined) fail('prompts_file', 'is required when generate_prompts is false')
    prompt = { file: resolve(dirname(source), promptsFile as string), pick: 'random' }
    if (promptLength !== undefined) prompt.maxChars = promptLength
  }

  const compressa: NonNullable<WorkloadSpec['compressa']> = { modelName }
  if (nodeUrl !== undefined) compressa.nodeUrl = nodeUrl
  if (accountAddress !== undefined) compressa.accountAddress = accountAddress
  if (tokenEnv !== undefined) compressa.apiTokenEnvVar = tokenEnv
  if (transport !== undefined) compressa.transport = transport
  const spec: WorkloadSpec = {
    name,
    description,
    endpoint: 'chat',
    requests: numTasks,
    concurrency: numRunners,
    prompt,
    maxTokens: maxTokens as number,
    temperature: COMPRESSA_TEMPERATURE,
    seed,
    source,
    compressa,
    ...(minTokens === undefined ? {} : { extraBody: { min_tokens: minTokens } }),
  }
  validateWorkload(spec, source)
  return spec
}

/**
 * The target with the compressa-perf API token of `spec` (its `api_token_env_var`) as a bearer
 * header; `target` itself when the spec names none. Read at run time, so the token never sits in
 * a spec, a report or an error message.
 * @throws MlnodeBenchError MLNB_CONFIG naming the variable (not its value) when it is unset or empty.
 */
export function withCompressaToken<T extends { headers?: Record<string, string> }>(target: T, spec: WorkloadSpec, env: NodeJS.ProcessEnv = process.env): T {
  const name = spec.compressa?.apiTokenEnvVar
  if (name === undefined) return target
  const token = env[name]
  if (!token)
    throw new MlnodeBenchError('MLNB_CONFIG', `${spec.source ?? 'compressa-perf config'}: experiment "${spec.name}": api_token_env_var names ${name}, which is not set (export it; the token is never printed)`, {
      details: { file: spec.source, experiment: spec.name, key: 'api_token_env_var', env: name },
    })
  registerSecret(token)
  return { ...target, headers: { ...target.headers, authorization: `Bearer ${token}` } }
}
