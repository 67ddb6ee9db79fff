/**
 * What the parser and the guard know about vLLM's server options: one row per canonical long
 * name (no leading dashes), with its argparse shape, its short aliases and its class.
 *
 * Source: docs/vllm-server-args.md (read from vLLM tags v0.8.0–v0.23.0: engine args in
 * `vllm/engine/arg_utils.py`, frontend args in `vllm/entrypoints/openai/cli_args.py`). The set is
 * the UNION over those versions, so a prefix that is unique in one version but ambiguous in
 * another (`--kv-cache`, `--quant`) counts as ambiguous here: that fails closed.
 */

/**
 * How argparse consumes the option:
 * - `value`: exactly one value (`--x v`, `--x=v`).
 * - `json`: one value holding JSON; dotted keys (`--x.key v`) fold into it (vLLM v0.9+).
 * - `bool`: no value; `--no-x` sets false (`store_true` in v0.8.1, `BooleanOptionalAction` later).
 * - `optbool`: like `bool` but also takes an optional `true|false` (v0.8.1 `--enable-chunked-prefill`).
 * - `multi`: `nargs='+'`, one or more values, the last occurrence wins.
 * - `append`: `action='append'`, every occurrence accumulates.
 */
export type OptionKind = 'value' | 'json' | 'bool' | 'optbool' | 'multi' | 'append'

/**
 * - `inference`: may change tokens/logprobs (docs/vllm-server-args.md table A, and table C items whose stated
 *   default is A).
 * - `tunable`: GPU use / scheduling only (table B, and table C items whose default is B).
 * - `known`: a real vLLM option the tables do not classify; it only makes prefix resolution
 *   faithful. The guard treats it like an unknown option (fail closed).
 */
export type OptionClass = 'inference' | 'tunable' | 'known'

export interface OptionSpec {
  readonly name: string
  readonly kind: OptionKind
  readonly cls: OptionClass
  readonly aliases: readonly string[]
}

type Row = readonly [names: string, kind: OptionKind, aliases?: Record<string, string>]

/** Rows of "space separated names" sharing a kind; aliases map a short alias to one of the names. */
function rows(cls: OptionClass, list: readonly Row[]): OptionSpec[] {
  const out: OptionSpec[] = []
  for (const [names, kind, aliases = {}] of list) {
    for (const name of names.split(/\s+/).filter(Boolean)) {
      const own = Object.entries(aliases).filter(([, target]) => target === name).map(([alias]) => alias)
      out.push({ name, kind, cls, aliases: own })
    }
  }
  return out
}

/** docs/vllm-server-args.md table A, plus table C rows whose default is **A**. */
const INFERENCE: readonly Row[] = [
  // A: weights, code, tokenizer
  ['model revision code-revision tokenizer tokenizer-revision tokenizer-mode hf-config-path config-format', 'value'],
  ['trust-remote-code', 'bool'],
  // A: numerics (`--quantization-config` v0.22+, `--override-attention-dtype` v0.9.2+)
  ['dtype quantization kv-cache-dtype override-attention-dtype', 'value', { '-q': 'quantization' }],
  ['quantization-config', 'json'],
  ['calculate-kv-scales', 'bool'],
  // A: what loads (`--ignore-patterns` is `append` in v0.8.1; `--qlora-adapter-name-or-path` ≤v0.9.2)
  ['load-format qlora-adapter-name-or-path', 'value'],
  ['model-loader-extra-config', 'json'],
  ['ignore-patterns', 'append'],
  // A: model config (`--rope-theta` ≤v0.11.0)
  ['hf-overrides rope-scaling additional-config mm-processor-kwargs', 'json'],
  ['rope-theta model-impl', 'value'],
  ['disable-sliding-window', 'bool'],
  // A: accepted requests (`--task` ≤v0.12, `--runner --convert` v0.10.1+, `--enable-prompt-embeds` v0.9+)
  ['max-model-len max-logprobs limit-mm-per-prompt task runner convert', 'value'],
  ['served-model-name', 'multi'],
  ['skip-tokenizer-init enable-prompt-embeds', 'bool'],
  // A: sampling, logprobs (`--logprobs-mode` v0.10+, `--use-fp64-gumbel` v0.22+)
  ['seed generation-config logprobs-mode', 'value'],
  ['override-generation-config', 'json'],
  ['use-fp64-gumbel', 'bool'],
  // A: draft path. "& co" ≤v0.8.2 (arg_utils.py v0.8.1), `--speculative-config` v0.8.2+ (`-sc` v0.19+),
  // `--spec-method/-model/-tokens` v0.22+
  [
    'speculative-model speculative-model-quantization num-speculative-tokens speculative-draft-tensor-parallel-size ' +
      'speculative-max-model-len speculative-disable-by-batch-size ngram-prompt-lookup-max ngram-prompt-lookup-min ' +
      'spec-decoding-acceptance-method typical-acceptance-sampler-posterior-threshold ' +
      'typical-acceptance-sampler-posterior-alpha spec-method spec-model spec-tokens',
    'value',
    { '-spec-draft-tp': 'speculative-draft-tensor-parallel-size' },
  ],
  ['speculative-disable-mqa-scorer disable-logprobs-during-spec-decoding', 'bool'],
  ['speculative-config', 'json', { '-sc': 'speculative-config' }],
  // A: decoding, parsing (`--guided-decoding-backend` ≤v0.10.2, `--structured-outputs-config` v0.11+,
  // `--enable-reasoning` ≤v0.9.2)
  ['guided-decoding-backend reasoning-parser', 'value'],
  ['structured-outputs-config', 'json'],
  ['enable-reasoning', 'bool'],
  // A: prompt, response (`--default-chat-template-kwargs` v0.14+)
  ['chat-template chat-template-content-format response-role tool-call-parser', 'value'],
  ['default-chat-template-kwargs', 'json'],
  ['enable-auto-tool-choice return-tokens-as-token-ids', 'bool'],
  // A: extra weights (`--long-lora-scaling-factors` ≤v0.9.2, `--enable-prompt-adapter` ≤v0.10.1)
  ['max-lora-rank max-loras lora-dtype long-lora-scaling-factors', 'value'],
  ['lora-modules', 'multi'],
  ['enable-lora enable-prompt-adapter', 'bool'],
  // A: load code/args (`--logits-processors` v0.10.1+, `--logits-processor-pattern` ≤v0.16).
  // `--config` is listed so prefixes resolve against it; the parser rejects it outright.
  ['worker-cls worker-extension-cls scheduler-cls tool-parser-plugin logits-processor-pattern config', 'value'],
  ['logits-processors', 'multi'],
  ['middleware', 'append'],
  // A: MLNode sets them itself (runner.py): deny
  ['port host', 'value'],
  // C, default A: other reduction/comm paths (`-dcp -pcp`, `--all2all-backend` v0.11.1+,
  // `--enable-eplb` v0.9.2+, `--enable-dbo` v0.11+)
  ['decode-context-parallel-size prefill-context-parallel-size all2all-backend', 'value', {
    '-dcp': 'decode-context-parallel-size',
    '-pcp': 'prefill-context-parallel-size',
  }],
  ['disable-custom-all-reduce enable-eplb enable-dbo', 'bool'],
  // C, default A: graph padding (`--max-seq-len-to-capture` ≤v0.10.2, `--cuda-graph-sizes` v0.9–v0.12)
  ['enforce-eager', 'bool'],
  ['max-seq-len-to-capture', 'value'],
  ['cuda-graph-sizes cudagraph-capture-sizes', 'multi'],
  // C, default A: fused kernels. `-O` is `--compilation-config` ≤v0.11.2 (what MLNode's vLLM 0.8/0.9
  // forks run); from v0.12 `-O<n>` means `--optimization-level` and `-cc` is the compile alias.
  ['compilation-config kernel-config', 'json', { '-O': 'compilation-config', '-cc': 'compilation-config' }],
  ['optimization-level', 'value'],
  ['enable-flashinfer-autotune', 'bool'],
  // C, default A: accumulation order (`--attention-backend` v0.13+, `--moe-backend` v0.17+,
  // `--disable-cascade-attn` v0.8.2+), attention splits (`--block-size`)
  ['attention-backend moe-backend block-size', 'value'],
  ['disable-cascade-attn', 'bool'],
]

/** docs/vllm-server-args.md table B, plus table C rows whose default is **B** (TP/EP/DP size, batch knobs). */
const TUNABLE: readonly Row[] = [
  // B/C: Gonka names these (`-dp` v0.8.3+, `-ep` v0.14+)
  ['tensor-parallel-size pipeline-parallel-size data-parallel-size', 'value', {
    '-tp': 'tensor-parallel-size',
    '-pp': 'pipeline-parallel-size',
    '-dp': 'data-parallel-size',
  }],
  ['enable-expert-parallel', 'bool', { '-ep': 'enable-expert-parallel' }],
  // B: memory (`--kv-cache-memory-bytes` v0.10.2+, `--swap-space` ≤v0.17)
  ['gpu-memory-utilization kv-cache-memory-bytes num-gpu-blocks-override swap-space cpu-offload-gb', 'value'],
  // B: scheduling (`--preemption-mode` ≤v0.10.2, `--num-scheduler-steps` ≤v0.10.0, `--async-scheduling` v0.10+)
  ['max-num-seqs max-num-batched-tokens max-num-partial-prefills scheduling-policy preemption-mode num-scheduler-steps', 'value'],
  ['enable-prefix-caching async-scheduling', 'bool'],
  ['enable-chunked-prefill', 'optbool'],
  // B: processes, IO
  ['distributed-executor-backend max-parallel-loading-workers download-dir', 'value'],
  ['enable-sleep-mode', 'bool'],
  // B: observability (`--disable-log-requests` ≤v0.16, `--enable-log-requests` v0.10.1+)
  ['max-log-len uvicorn-log-level otlp-traces-endpoint', 'value'],
  ['disable-log-stats disable-log-requests enable-log-requests', 'bool'],
]

/**
 * Real vLLM options that tables A/B/C do not classify (read from the same arg_utils.py /
 * cli_args.py files). Listed so that prefix resolution and ambiguity match argparse; the guard
 * treats them as unknown. Short aliases v0.9+ per docs/vllm-server-args.md "Parsing rules".
 */
const OTHER: readonly Row[] = [
  [
    'data-parallel-size-local data-parallel-address data-parallel-rpc-port data-parallel-backend data-parallel-rank ' +
      'data-parallel-start-rank api-server-count nnodes node-rank',
    'value',
    {
      '-dpl': 'data-parallel-size-local',
      '-dpa': 'data-parallel-address',
      '-dpp': 'data-parallel-rpc-port',
      '-dpb': 'data-parallel-backend',
      '-dpn': 'data-parallel-rank',
      '-dpr': 'data-parallel-start-rank',
      '-asc': 'api-server-count',
      '-n': 'nnodes',
      '-r': 'node-rank',
    },
  ],
  ['data-parallel-hybrid-lb data-parallel-external-lb data-parallel-multi-port-external-lb', 'bool', {
    '-dph': 'data-parallel-hybrid-lb',
    '-dpe': 'data-parallel-external-lb',
    '-dpm': 'data-parallel-multi-port-external-lb',
  }],
  ['attention-config', 'json', { '-ac': 'attention-config' }],
  ['kv-transfer-config kv-events-config eplb-config', 'json'],
  [
    'api-key ssl-keyfile ssl-certfile ssl-ca-certs ssl-cert-reqs root-path uds lora-extra-vocab-size max-cpu-loras ' +
      'tokenizer-pool-size tokenizer-pool-type tokenizer-pool-extra-config num-lookahead-slots mm-processor-cache-gb ' +
      'collect-detailed-traces show-hidden-metrics-for-version pt-load-map-location prompt-adapters ' +
      'max-prompt-adapters max-prompt-adapter-token device long-prefill-token-threshold max-long-partial-prefills ' +
      'mamba-ssm-cache-dtype mamba-cache-dtype expert-placement-strategy safetensors-load-strategy ' +
      'allowed-local-media-path allowed-origins allowed-methods allowed-headers',
    'value',
  ],
  [
    'headless fully-sharded-loras enable-lora-bias disable-async-output-proc disable-mm-preprocessor-cache ' +
      'enable-server-load-tracking disable-fastapi-docs enable-request-id-headers disable-frontend-multiprocessing ' +
      'enable-ssl-refresh disable-uvicorn-access-log enable-force-include-usage enable-tokenizer-info-endpoint ' +
      'use-tqdm-on-load ray-workers-use-nsight disable-chunked-mm-input kv-sharing-fast-prefill ' +
      'enable-multimodal-encoder-data-parallel disable-hybrid-kv-cache-manager multi-step-stream-outputs',
    'bool',
  ],
]

/** Every option the parser knows, by canonical name. */
export const OPTIONS: ReadonlyMap<string, OptionSpec> = buildTable([
  ...rows('inference', INFERENCE),
  ...rows('tunable', TUNABLE),
  ...rows('known', OTHER),
])

function buildTable(specs: readonly OptionSpec[]): Map<string, OptionSpec> {
  const table = new Map<string, OptionSpec>()
  for (const spec of specs) {
    // A name in two rows would silently take the later class: refuse at load time.
    if (table.has(spec.name)) throw new Error(`vLLM option table lists --${spec.name} twice`)
    table.set(spec.name, spec)
  }
  return table
}

/** Short alias (with its single dash) → canonical name. */
export const ALIASES: ReadonlyMap<string, string> = new Map(
  [...OPTIONS.values()].flatMap((spec) => spec.aliases.map((alias) => [alias, spec.name] as const)),
)

/** True for options that take no value (and accept `--no-x`). */
export function isBooleanKind(kind: OptionKind | undefined): boolean {
  return kind === 'bool' || kind === 'optbool'
}
