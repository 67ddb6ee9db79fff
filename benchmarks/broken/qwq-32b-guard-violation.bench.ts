// A suite the guard must reject: kept out of the default run (vitest.config.ts excludes
// benchmarks/broken/) and run by test/vitest/suite.e2e.test.ts. Each variant tries to change what
// the network fixes, in a spelling vLLM would accept; nothing may be deployed.
import { deploymentSuite } from 'mlnode-bench'

deploymentSuite({
  model: 'Qwen/QwQ-32B',
  mandatoryArgs: ['--kv-cache-dtype', 'fp8', '--quantization', 'fp8'],
  variants: {
    'tp4-pp2': ['-tp', '4', '-pp', '2'],
    'tp8-kv-auto': ['-tp', '8', '--kv_cache_dtype=auto'],
    'tp8-longer-context': ['-tp', '8', '--max-model-len', '65536'],
    'tp3': ['-tp', '3'],
  },
  workloads: [{ name: 'short', requests: 2, prompt: { tokens: 100 }, maxTokens: 10 }],
})
