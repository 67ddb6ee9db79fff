// The network's PoC model as the chain serves it, on 8x H200: which layout earns most?
// `networkModel` takes the model and the args the chain fixes for it (--max-model-len 240000
// --enable-auto-tool-choice --tool-call-parser hermes) from the network-model registry: the
// snapshot shipped with mlnode-bench, or a live chain with MLNODE_BENCH_CHAIN_URL (docs/network-models.md).
// Each variant is measured three ways, the three figures a host is paid and penalised by:
// inference (a chat load), Proof-of-Compute nonces/min (docs/poc.md), and the network's
// inference validation against the TP8 reference (docs/validation-check.md).
import { deploymentSuite } from 'mlnode-bench'

deploymentSuite({
  networkModel: 'Qwen/Qwen3-235B-A22B-Instruct-2507-FP8',
  variants: {
    // TP8 needs expert parallelism: 1536/8 = 192 is not a whole number of the checkpoint's 128-wide FP8 blocks.
    'tp8-ep': ['-tp', '8', '--enable-expert-parallel'],
    'tp4-x2': ['-tp', '4'],
    // GPUStack's best vLLM setup for this model on H100s: a larger prefill budget per step.
    'tp4-x2-mnbt16k': ['-tp', '4', '--max-num-batched-tokens', '16384'],
  },
  hardware: '8xh200',
  slo: { ttftMs: 3000, tpotMs: 60 },
  workloads: [
    { name: 'chat 2k→200, 64 users', requests: 128, concurrency: 64, prompt: { tokens: 2000 }, maxTokens: 200 },
    // 8 × 1024 tokens per PoC batch: within the 8192 tokens vLLM schedules per step by default (a larger batch hangs the engine).
    { name: 'PoC', poc: { durationS: 60, seqLen: 1024, batchSize: 8 } },
  ],
  validation: { reference: 'tp8-ep', prompts: 8, maxTokens: 64 },
})
