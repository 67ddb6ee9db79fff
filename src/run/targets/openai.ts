/**
 * A plain OpenAI-compatible server someone already started (`MLNODE_BENCH_TARGET=openai`):
 * nothing is deployed; each variant is measured at its own endpoint (suite option
 * `openaiEndpoints`), or the one running "as deployed" at INFERENCE_URL.
 */
import { MlnodeBenchError, redact } from '../../errors.js'
import { parseVllmArgs, planDeploy } from '../../args/index.js'
import { AS_DEPLOYED, OpenAiTarget } from '../openai-target.js'
import type { TargetKind } from './kind.js'

export interface OpenAiChoice {
  kind: 'openai'
  inferenceUrl: string
  apiKeyEnv: string
  banner: string
}

export interface OpenAiConfig {
  kind: 'openai'
  /** OpenAI API root without /v1 (INFERENCE_URL): the as-deployed variant's endpoint. */
  inferenceUrl: string
  /** Name of the environment variable holding the API key (read by the workers, never passed). */
  apiKeyEnv: string
}

export const openAiTargetKind: TargetKind<OpenAiChoice, OpenAiConfig> = {
  name: 'openai',
  kind: 'openai',
  summary: 'a running OpenAI-compatible server at INFERENCE_URL, measured as it is (nothing deployed)',
  simulated: false,
  resultKind: 'openai',
  matchesGpus: false,
  select(env) {
    if (!env.INFERENCE_URL) throw new MlnodeBenchError('MLNB_CONFIG', 'MLNODE_BENCH_TARGET=openai needs INFERENCE_URL, the OpenAI API root of the running server (e.g. http://127.0.0.1:8000 for vllm serve)', { details: { env: 'INFERENCE_URL' } })
    const apiKeyEnv = env.MLNODE_BENCH_API_KEY_ENV || 'OPENAI_API_KEY'
    return {
      kind: 'openai',
      inferenceUrl: env.INFERENCE_URL,
      apiKeyEnv,
      banner: `mlnode-bench: target OpenAI-compatible server ${redact(env.INFERENCE_URL)} (nothing is deployed; API key from ${apiKeyEnv}${env[apiKeyEnv] ? '' : ', unset'})`,
    }
  },
  async setUp(choice) {
    return { config: { kind: 'openai', inferenceUrl: choice.inferenceUrl, apiKeyEnv: choice.apiKeyEnv } }
  },
  create(config, suite) {
    return new OpenAiTarget({ inferenceUrl: config.inferenceUrl, apiKeyEnv: config.apiKeyEnv, source: suite.source, ...(suite.openaiEndpoints ? { endpoints: suite.openaiEndpoints } : {}) })
  },
  // The variants with an endpoint, or the one running as deployed.
  variants: (suite, prepared) => (suite.openaiEndpoints ? prepared().filter((v) => suite.openaiEndpoints![v.name] !== undefined) : [{ name: AS_DEPLOYED, ...planDeploy(suite.model, parseVllmArgs([])) }]),
}
