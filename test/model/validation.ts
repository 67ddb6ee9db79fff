/**
 * Prints the performance model against published measurements (docs/perf-model.md §5): first the
 * points of docs/validation/*.yaml (measured vs predicted, uncalibrated and leave-one-out
 * calibrated per GPU type, with summary lines), then the ratio checks of §7's references and the
 * QwQ-32B ranking. Not a test: no assertions. Run with `npm run bench:validation`
 * (`--points-only` stops after the published points).
 */
import { parallelismOf, parseVllmArgs } from '../../src/args/index.js'
import { predictWorkloads, simulatedWorkload, splitArgString } from '../../src/cli/commands/predict.js'
import { compressaDefaultConfigPath, loadCompressaConfig } from '../../src/load/index.js'
import { getHardwareProfile, getModelSpec, instancesPerServer, modelInstance, resolveEngineConfig, type ModelConstants } from '../../src/model/index.js'
import { formatSummary, formatTable, loadPublishedPoints, validate } from './validation-points.js'

console.log('## Published vLLM measurements (docs/validation/*.yaml)')
const published = validate(await loadPublishedPoints('docs/validation'))
console.log(formatTable(published).join('\n'))
for (const r of published) if (r.memoryMiss !== undefined) console.log(`memory model refuses ${r.point.label} as published: ${r.memoryMiss}`)
console.log(formatSummary(published).join('\n'))
if (process.argv.includes('--points-only')) process.exit(0)

function predict(hw: string, modelId: string, args: string, workload: { prompt: number; output: number; requests: number; concurrency: number }, constants: ModelConstants = {}) {
  const hardware = getHardwareProfile(hw)
  const model = getModelSpec(modelId)
  const parsed = parseVllmArgs(splitArgString(args))
  const engine = resolveEngineConfig(parsed.values, model, hardware, 'float16')
  Object.assign(engine, parallelismOf(parsed))
  const plan = modelInstance(hardware, model, engine, { constants })
  const requests = Array.from({ length: workload.requests }, () => ({ promptTokens: workload.prompt, outputTokens: workload.output }))
  return predictWorkloads({ plan, instances: instancesPerServer(hardware, engine), workloads: [{ name: 'w', requests, concurrency: workload.concurrency }] })[0]!.figures
}

const load = { prompt: 1024, output: 256, requests: 512, concurrency: 256 }
const pct = (a: number, b: number) => `${(((a / b) - 1) * 100).toFixed(1)} %`

console.log('## 8xL4 Llama-3.1-70B FP8, throughput load (1024 in / 256 out, 512 requests, 256 concurrent)')
const l4a = predict('8xl4', 'meta-llama/Llama-3.1-70B', '-tp 2 -pp 4 --quantization fp8', load)
const l4b = predict('8xl4', 'meta-llama/Llama-3.1-70B', '-tp 4 -pp 2 --quantization fp8', load)
console.log(`PP4/TP2 out tok/s ${l4a.output_tokens_per_s.toFixed(0)}  PP2/TP4 ${l4b.output_tokens_per_s.toFixed(0)}  PP4/TP2 vs PP2/TP4: ${pct(l4a.output_tokens_per_s, l4b.output_tokens_per_s)} (published +18 %)`)
for (const m of [1, 2]) {
  const a = predict('8xl4', 'meta-llama/Llama-3.1-70B', '-tp 2 -pp 4 --quantization fp8', load, { ppMicroBatches: m })
  const b = predict('8xl4', 'meta-llama/Llama-3.1-70B', '-tp 4 -pp 2 --quantization fp8', load, { ppMicroBatches: m })
  console.log(`  with ppMicroBatches=${m}: ${pct(a.output_tokens_per_s, b.output_tokens_per_s)}`)
}

console.log('\n## 8xL40 TP8 vs TP4 (2 instances), Llama-3.1-70B BF16, same load')
const l40tp8 = predict('8xl40', 'meta-llama/Llama-3.1-70B', '-tp 8 --max-model-len 32768', load)
const l40tp4 = predict('8xl40', 'meta-llama/Llama-3.1-70B', '-tp 4 --max-model-len 32768', load)
console.log(`TP8 ${l40tp8.output_tokens_per_s.toFixed(0)} out tok/s, TP4x2 ${l40tp4.output_tokens_per_s.toFixed(0)}: TP8 vs TP4 ${pct(l40tp8.output_tokens_per_s, l40tp4.output_tokens_per_s)} (published: TP8 worse)`)

console.log('\n## PCIe advice: PP beats TP without NVLink (8xL40S Llama-3.1-70B BF16, one instance of 8 GPUs)')
for (const a of ['-tp 8', '-tp 4 -pp 2', '-tp 2 -pp 4']) {
  const f = predict('8xl40s', 'meta-llama/Llama-3.1-70B', `${a} --max-model-len 32768`, load)
  console.log(`${a.padEnd(12)} out tok/s ${f.output_tokens_per_s.toFixed(0)}  TPOT ${f.tpot_mean_ms.toFixed(1)} ms  TTFT ${f.ttft_mean_ms.toFixed(0)} ms`)
}
console.log('  same on 8xH100 (NVLink):')
for (const a of ['-tp 8', '-tp 4 -pp 2', '-tp 2 -pp 4']) {
  const f = predict('8xh100-sxm', 'meta-llama/Llama-3.1-70B', `${a} --max-model-len 32768`, load)
  console.log(`${a.padEnd(12)} out tok/s ${f.output_tokens_per_s.toFixed(0)}  TPOT ${f.tpot_mean_ms.toFixed(1)} ms`)
}

console.log('\n## Single-GPU, single-stream decode (128 in / 512 out, 1 request)')
const single = { prompt: 128, output: 512, requests: 3, concurrency: 1 }
for (const [hw, model, args] of [
  ['1xh100-sxm', 'meta-llama/Llama-3.1-8B', ''],
  ['1xh100-sxm', 'meta-llama/Llama-3.1-8B', '--quantization fp8'],
  ['1xrtx-4090', 'meta-llama/Llama-3.1-8B', '--max-model-len 8192'],
  ['1xrtx-4090', 'meta-llama/Llama-3.1-8B', '--quantization fp8 --max-model-len 32768'],
  ['1xl4', 'meta-llama/Llama-3.1-8B', '--quantization fp8 --max-model-len 32768'],
  ['1xh100-sxm', 'Qwen/Qwen2.5-7B-Instruct', '--quantization fp8'],
] as const) {
  const f = predict(hw, model, args, single)
  console.log(`${hw.padEnd(20)} ${model.padEnd(28)} ${args.padEnd(40)} TPOT ${f.tpot_mean_ms.toFixed(2)} ms = ${(1000 / f.tpot_mean_ms).toFixed(0)} tok/s`)
}

console.log('\n## QwQ-32B fp8 on 8x RTX 4070 Ti SUPER, compressa-perf default workloads')
const specs = await loadCompressaConfig(compressaDefaultConfigPath)
for (const split of [true, false]) {
  console.log(`  ppSplitLongChunks=${split}`)
  const rows = new Map<string, string[]>()
  for (const args of ['-tp 8', '-tp 4 -pp 2']) {
    const hardware = getHardwareProfile('8xrtx-4070-ti-super')
    const model = getModelSpec('Qwen/QwQ-32B')
    const parsed = parseVllmArgs(splitArgString(`${args} --quantization fp8 --kv-cache-dtype fp8`))
    const engine = resolveEngineConfig(parsed.values, model, hardware, 'float16')
    Object.assign(engine, parallelismOf(parsed))
    const plan = modelInstance(hardware, model, engine, { constants: { ppSplitLongChunks: split } })
    const preds = predictWorkloads({ plan, instances: 1, workloads: await Promise.all(specs.map(simulatedWorkload)) })
    for (const p of preds) {
      const r = rows.get(p.experiment) ?? []
      r.push(`${args}: TTFT ${p.figures.ttft_mean_ms.toFixed(0)} ms, TPOT ${p.figures.tpot_mean_ms.toFixed(1)} ms, out ${p.figures.output_tokens_per_s.toFixed(0)} tok/s, E2EL ${p.figures.e2el_mean_ms.toFixed(0)} ms`)
      rows.set(p.experiment, r)
    }
  }
  for (const [exp, r] of rows) console.log(`  ${exp}\n    ${r.join('\n    ')}`)
}
