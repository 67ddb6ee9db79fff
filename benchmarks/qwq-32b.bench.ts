// Gonka's QwQ-32B on a host box of 8x RTX 4070 Ti SUPER (16 GB, PCIe, no NVLink): only one
// instance fits, so the question is TP8/PP1 against TP4/PP2 (docs/mlnode.md "Host workflow").
import { compressaDefaultConfigPath, deploymentSuite } from 'mlnode-bench'

deploymentSuite({
  model: 'Qwen/QwQ-32B',
  mandatoryArgs: ['--kv-cache-dtype', 'fp8', '--quantization', 'fp8'],
  variants: {
    'tp8-pp1': ['--tensor-parallel-size', '8'],
    'tp4-pp2': ['-tp', '4', '-pp', '2'],
  },
  workloads: compressaDefaultConfigPath,
  simulatorWorkloads: 'workloads/mlnode-default-fast.yml',
  hardware: '8xrtx-4070-ti-super',
})
