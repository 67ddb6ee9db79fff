// Qwen2.5-7B-Instruct (network args: --quantization fp8) on 4x RTX 3090: the model fits on one
// GPU, so the choice is between 4 data-parallel instances (TP1), 2 of TP2, or 1 of TP4.
// Inline workloads: a closed loop like compressa-perf, an open-loop Poisson load with SLOs, and a
// sweep of that load's rate: each variant's curve and capacity at SLO (docs/metrics.md).
import { deploymentSuite } from 'mlnode-bench'

deploymentSuite({
  model: 'Qwen/Qwen2.5-7B-Instruct',
  mandatoryArgs: ['--quantization', 'fp8'],
  variants: {
    'tp1-x4': ['-tp', '1'],
    'tp2-x2': ['-tp', '2'],
    'tp4-x1': ['-tp', '4', '--max-num-seqs', '128'],
  },
  hardware: '4xrtx-3090',
  slo: { ttftMs: 2000, tpotMs: 50 },
  workloads: [
    {
      name: 'chat 1k→200, 16 users',
      requests: 48,
      concurrency: 16,
      prompt: { tokens: 1000 },
      maxTokens: 200,
      temperature: 0.8,
    },
    {
      name: 'poisson 2 req/s, 2k→100',
      requests: 40,
      arrival: { ratePerS: 2, burstiness: 1, maxConcurrency: 32 },
      prompt: { tokens: 2000 },
      maxTokens: 100,
    },
    {
      // 5 rate steps of 40 requests on simulated time: the highest rate at which 90 % of the
      // requests meet the suite's SLO, and the bracket it lies in.
      name: 'capacity sweep 2k→100',
      requests: 40,
      arrival: { burstiness: 1, maxConcurrency: 64 },
      prompt: { tokens: 2000 },
      maxTokens: 100,
      sweep: { over: 'rate', from: 2, to: 6, steps: 5 },
    },
  ],
})
