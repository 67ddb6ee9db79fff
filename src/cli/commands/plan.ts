/**
 * `mlnode-bench plan`: a ranked list of the variants that can start on a box, before anything is
 * deployed. Every TP × PP layout is checked against the memory model (rejected ones keep their
 * reason), the rest are predicted on the workloads and ranked; `--write-suite` writes the best
 * ones as a ready suite. Every figure is a PREDICTION of the performance model.
 */
import { loadLiveRegistry } from '../../network/live-registry.js'
import { describeSource, lookupNetworkModel, SNAPSHOT_REGISTRY } from '../../network/registry.js'
import type { NetworkModel } from '../../network/types.js'
import { compressaDefaultConfigPath, loadCompressaConfig } from '../../load/index.js'
import type { Slo } from '../../contracts/records.js'
import { loadModelConfig } from '../../model/index.js'
import { catalogModelOption } from '../catalog-options.js'
import { parseCommandLine, usageError } from '../parse-options.js'
import { BOX_OPTIONS, boxOption, calibrationOption } from '../planning/box-options.js'
import { renderPlan } from '../planning/render.js'
import { startPlanProgress } from '../planning/plan-progress.js'
import { searchPlan, type Objective } from '../../planner/search.js'
import { progressIntervalS, progressMode } from '../../run/progress.js'
import { writeSuite } from '../planning/write-suite.js'
import { promptTokensOf, simulatedWorkload, splitArgString } from './predict.js'
import type { WorkloadSpec } from '../../contracts/workload.js'
import type { ModelInstance } from '../../model/index.js'
import { capacityScore, sweptWorkload } from '../../planner/plan-capacity.js'
import { parseSweepOption } from '../../planner/predict-sweep.js'

export const summary = 'Rank the variants that fit a box by predicted speed (simulated, no GPU)'

const USAGE = `Usage: mlnode-bench plan --model <id|config.json> (--hardware <profile> | --gpu <gpu> --gpus N)
       [--mandatory-args "<vllm args>"] [--workloads <compressa.yml>] [--objective throughput|goodput|per-gpu|capacity]
       [--slo ttft=<ms>,tpot=<ms>,e2el=<ms>] [--sweep <rate|concurrency>:<from>:<to>:<steps>] [--top K] [--write-suite <file.bench.ts>] [--include <names>]
       [--dtype float16] [--calibration <calibration.json>] [--json]

Enumerates the TP x PP layouts of the box (instances as MLNode places them), rejects the ones that
cannot start with the reason (heads, KV heads, out of memory, max model len, GPUs), predicts the
rest on the workloads, tries speed-only knobs on the two best layouts, and ranks them. Every
figure is a PREDICTION of the performance model (docs/perf-model.md), not a measurement.

  --hardware        hardware profile, or <N>x<gpu> (e.g. 4xh100-sxm)
  --gpu, --gpus     a catalog GPU and how many of them (instead of --hardware)
  --model           catalog model id, or a path to a HF config.json
  --mandatory-args  the network's mandatory vLLM args, e.g. "--quantization fp8 --kv-cache-dtype fp8"
                    (default for a network model: the chain's args, from the registry or MLNODE_BENCH_CHAIN_URL)
  --workloads       compressa-perf YAML (default: MLNode's default config)
  --objective       throughput (default: output tok/s), goodput (requests meeting --slo per s),
                    per-gpu (output tok/s per GPU in use), capacity (the highest --sweep load at
                    which 90 % of requests meet --slo, docs/metrics.md); geometric mean over the workloads
  --slo             SLOs for goodput and capacity, e.g. ttft=2000,tpot=50
  --sweep           with --objective capacity: the loads each workload is swept over, e.g. rate:1:16:16
  --top             variants in the table and the suite (default 2 in the suite, all in the table)
  --write-suite     write a ready *.bench.ts with the top K plus --include
  --include         comma-separated variant names to add to the suite
  --calibration     constants fitted by \`mlnode-bench calibrate\` for this box
  --json            one JSON object instead of tables`

const COMMAND_LINE = {
  command: 'plan',
  usage: USAGE,
  options: {
    ...BOX_OPTIONS,
    model: { type: 'string', required: true },
    'mandatory-args': { type: 'string', dashValue: true },
    workloads: { type: 'string' },
    objective: { type: 'string' },
    slo: { type: 'string' },
    sweep: { type: 'string' },
    top: { type: 'integer', min: 1 },
    'write-suite': { type: 'string' },
    include: { type: 'string' },
    dtype: { type: 'string' },
    calibration: { type: 'string' },
    json: { type: 'boolean' },
  },
} as const

const OBJECTIVES: readonly Objective[] = ['throughput', 'goodput', 'per-gpu', 'capacity']

/** `ttft=2000,tpot=50` → Slo. @throws MlnodeBenchError MLNB_USAGE naming the bad part. */
export function parseSlo(command: string, text: string): Slo {
  const slo: Slo = {}
  const keys = { ttft: 'ttftMs', tpot: 'tpotMs', e2el: 'e2elMs' } as const
  for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const m = /^(ttft|tpot|e2el)=(\d+(?:\.\d+)?)$/.exec(part)
    if (m === null) throw usageError(command, `--slo part "${part}" must be ttft=<ms>, tpot=<ms> or e2el=<ms>`, { option: 'slo', value: text })
    const key = keys[m[1] as keyof typeof keys]
    // No request meets a 0 ms bound, and a key given twice would silently keep the last.
    if (Number(m[2]) <= 0) throw usageError(command, `--slo part "${part}": the bound must be > 0 ms`, { option: 'slo', value: text })
    if (slo[key] !== undefined) throw usageError(command, `--slo "${text}" sets ${m[1]} twice`, { option: 'slo', value: text })
    slo[key] = Number(m[2])
  }
  if (Object.keys(slo).length === 0) throw usageError(command, `--slo "${text}" names no SLO`, { option: 'slo', value: text })
  return slo
}

/** Entry point of `mlnode-bench plan`. */
/** The registry entry of a network model (the live chain's with MLNODE_BENCH_CHAIN_URL), or undefined. */
async function networkEntryOf(model: string): Promise<NetworkModel | undefined> {
  const registry = (await loadLiveRegistry(process.env, (line) => console.error(line))) ?? SNAPSHOT_REGISTRY
  return lookupNetworkModel(model, registry)
}

export async function run(argv: string[]): Promise<number> {
  const cli = parseCommandLine(COMMAND_LINE, argv)
  if (!cli) return 0
  const started = performance.now()
  const cpuStarted = process.cpuUsage()
  const v = cli.values
  const objective = (v.objective ?? 'throughput') as Objective
  if (!OBJECTIVES.includes(objective)) throw usageError('plan', `--objective must be one of ${OBJECTIVES.join(', ')}, got "${v.objective}"`, { option: 'objective', value: v.objective })
  const slo = v.slo === undefined ? undefined : parseSlo('plan', v.slo)
  if ((objective === 'goodput' || objective === 'capacity') && slo === undefined) throw usageError('plan', `--objective ${objective} needs --slo (e.g. ttft=2000,tpot=50)`, { option: 'slo' })
  if ((objective === 'capacity') !== (v.sweep !== undefined)) throw usageError('plan', objective === 'capacity' ? '--objective capacity needs --sweep (e.g. rate:1:16:16)' : '--sweep ranks by capacity: add --objective capacity', { option: 'sweep' })
  const hardware = boxOption('plan', v)
  const constants = await calibrationOption(v.calibration, hardware)
  const modelSpec = /\.json$/i.test(v.model) ? await loadModelConfig(v.model) : catalogModelOption('plan', v.model)
  // A network model's args are the chain's (live with MLNODE_BENCH_CHAIN_URL, else the snapshot) unless given.
  const chainEntry = v['mandatory-args'] === undefined ? await networkEntryOf(modelSpec.id) : undefined
  const mandatoryArgs = chainEntry ? [...chainEntry.modelArgs] : splitArgString(v['mandatory-args'] ?? '')
  const mandatorySource = chainEntry ? `the chain's args for ${chainEntry.id} (${describeSource(chainEntry)})` : undefined
  const dtype = v.dtype ?? 'float16'
  const specs = await loadCompressaConfig(v.workloads ?? compressaDefaultConfigPath)
  const workloads = await Promise.all(specs.map(simulatedWorkload))
  const capacityOf = objective === 'capacity' ? await capacityObjective(specs, v.sweep!, slo!) : undefined

  const mode = progressMode(process.stderr)
  const progress = startPlanProgress({ label: `plan ${modelSpec.id} on ${hardware.id}`, mode, intervalS: progressIntervalS(), write: (text) => process.stderr.write(text) })
  const outcome = searchPlan({ model: modelSpec.id, modelSpec, mandatoryArgs, dtype, hardware, workloads, objective, ...(slo ? { slo } : {}), ...(constants ? { constants } : {}), ...(capacityOf ? { capacityOf } : {}), onStep: (step) => progress.step(step) })
  progress.stop()
  const top = v.top ?? 2
  let suiteNote: string | undefined
  if (v['write-suite'] !== undefined) {
    const include = (v.include ?? '').split(',').map((s) => s.trim()).filter(Boolean)
    for (const name of include) {
      if (!outcome.ranked.some((r) => r.name === name)) {
        throw usageError('plan', `--include "${name}" is not a ranked variant; ranked: ${outcome.ranked.map((r) => r.name).join(', ') || 'none'}`, { option: 'include', value: name })
      }
    }
    const chosen = outcome.ranked.map((variant, i) => ({ variant, rank: i + 1 })).filter(({ variant, rank }) => rank <= top || include.includes(variant.name))
    if (chosen.length === 0) throw usageError('plan', `--write-suite: no variant of ${modelSpec.id} can start on ${hardware.id}; nothing to write`, { option: 'write-suite' })
    await writeSuite({ model: modelSpec.id, mandatoryArgs, hardware: hardware.id, dtype, ...(v.workloads ? { workloadsFile: v.workloads } : {}), variants: chosen, objective, ...(slo ? { slo } : {}) }, v['write-suite'])
    suiteNote = `wrote ${v['write-suite']} with ${chosen.map((c) => c.variant.name).join(', ')}`
  }
  const elapsedS = (performance.now() - started) / 1000
  const cpu = process.cpuUsage(cpuStarted)
  const cpuS = (cpu.user + cpu.system) / 1e6
  console.log(renderPlan({ outcome, hardware, model: modelSpec.id, mandatoryArgs, ...(mandatorySource ? { mandatorySource } : {}), objective, top: v.top, elapsedS, cpuS, ...(v.calibration ? { calibration: v.calibration } : {}), ...(suiteNote ? { suiteNote } : {}) }, v.json))
  return 0
}

/** `--objective capacity`: every workload swept as `--sweep` says, its capacity at SLO predicted per candidate. */
async function capacityObjective(specs: readonly WorkloadSpec[], sweepOption: string, slo: Slo): Promise<(plan: ModelInstance, instances: number) => number> {
  let swept: Array<{ spec: WorkloadSpec; promptTokens: number }>
  try {
    const sweep = parseSweepOption(sweepOption)
    swept = await Promise.all(specs.map(async (spec) => ({ spec: sweptWorkload(spec, sweep, slo), promptTokens: await promptTokensOf(spec) })))
  } catch (error) {
    throw usageError('plan', (error as Error).message, { option: 'sweep' })
  }
  return (plan, instances) => capacityScore(plan, instances, swept, slo)
}
