/**
 * vLLM's start-up lines about memory, read from the suite's `logCommand` output once a variant is
 * up, set beside the performance model's figures for it. The formats are vLLM's own logger calls:
 *
 * - vllm/v1/core/kv_cache_utils.py: `"GPU KV cache size: %s tokens"` (`f"{num_tokens:,}"`) and
 *   `"Maximum concurrency for %s tokens per request: %.2fx"` (per instance, logged by the engine core);
 * - vllm/v1/worker/gpu_worker.py: `"Available KV cache memory: %.2f GiB"` (per GPU worker);
 * - vllm/v1/worker/gpu_model_runner.py: `"Model loading took %.4f GiB …"`, `"Graph capturing
 *   finished in %.0f secs, took %.2f GiB"` and, in newer versions, `"Estimated CUDA graph memory:
 *   %.2f GiB total"` (per GPU worker).
 *
 * The log of a node that started several variants holds each one's lines: only those after
 * MLNode's last "instances to start" (its runner's line for a new deploy) are read. Every replica
 * and worker logs the same figures; the last of each is kept.
 */
import { execa } from 'execa'
import type { VllmStartup } from '../contracts/results.js'
import { redact } from '../errors.js'
import { getModelSpec, planMemory, resolveEngineConfig, type HardwareProfile, type ModelConstants } from '../model/index.js'
import type { DeployPlan } from '../args/index.js'

const int = (s: string) => Number(s.replaceAll(',', ''))

/** Figure ← the line pattern that carries it (capture 1; maxConcurrency also captures its token count). */
const PATTERNS: ReadonlyArray<{ re: RegExp; read: (m: RegExpExecArray, out: VllmStartup) => void }> = [
  { re: /GPU KV cache size: ([\d,]+) tokens/, read: (m, o) => (o.kvCacheTokens = int(m[1]!)) },
  {
    re: /Maximum concurrency for ([\d,]+) tokens per request: ([\d.]+)x/,
    read: (m, o) => {
      o.maxConcurrencyAtTokens = int(m[1]!)
      o.maxConcurrency = Number(m[2])
    },
  },
  { re: /Available KV cache memory: (-?[\d.]+) GiB/, read: (m, o) => (o.availableKvCacheGiB = Number(m[1])) },
  { re: /Model loading took ([\d.]+) GiB/, read: (m, o) => (o.modelLoadingGiB = Number(m[1])) },
  { re: /Graph capturing finished in \d+ secs?, took (-?[\d.]+) GiB/, read: (m, o) => (o.cudaGraphGiB = Number(m[1])) },
  { re: /Estimated CUDA graph memory: ([\d.]+) GiB total/, read: (m, o) => (o.cudaGraphEstimateGiB = Number(m[1])) },
]

/** MLNode's runner logs this when it starts a deploy (docs/mlnode.md "Instances"). */
const DEPLOY_START = /instances to start/

/** The start-up figures in `lines` (the current deploy's: after the last "instances to start"). */
export function parseVllmStartup(lines: readonly string[]): VllmStartup {
  const start = lines.findLastIndex((l) => DEPLOY_START.test(l))
  const out: VllmStartup = { lines: [], unavailable: [] }
  for (const line of lines.slice(start + 1)) {
    let matched = false
    for (const p of PATTERNS) {
      const m = p.re.exec(line)
      if (m) {
        p.read(m, out)
        matched = true
      }
    }
    if (matched) out.lines.push(redact(line.trim()))
  }
  // Keep each distinct line once (every replica and TP worker logs the same).
  out.lines = [...new Set(out.lines)].slice(-20)
  if (out.kvCacheTokens === undefined) out.unavailable.push('no "GPU KV cache size" line in the log (vLLM V1 logs it at start-up; is the log its own?)')
  return out
}

/** The command's output lines; a note instead when it fails (never throws). */
export async function readLog(command: readonly string[], timeoutMs = 15_000): Promise<string[] | string> {
  const [file, ...args] = command
  if (file === undefined) return 'empty logCommand'
  try {
    const r = await execa(file, args, { all: true, reject: false, timeout: timeoutMs, stripFinalNewline: true })
    if (r.exitCode !== 0) return `log command ${redact(command.join(' '))} exited ${r.exitCode ?? r.signal}${r.all ? `: ${redact(String(r.all).split('\n')[0]!)}` : ''}`
    return String(r.all ?? '').split(/\r?\n/)
  } catch (error) {
    return `log command ${redact(command.join(' '))} failed: ${redact((error as Error).message.split('\n')[0]!)}`
  }
}

/** The performance model's figures for the variant on `box`; undefined for a model or args it cannot plan. */
export function predictStartup(box: HardwareProfile, modelId: string, plan: DeployPlan, dtype: string, constants?: ModelConstants): VllmStartup['predicted'] | undefined {
  try {
    const model = getModelSpec(modelId)
    const engine = resolveEngineConfig(plan.args.values, model, box, dtype)
    const memory = planMemory(box, model, engine, constants)
    const round = (x: number) => Math.round(x * 100) / 100
    return { kvCacheTokens: memory.kvCapacityTokens, maxConcurrency: round(memory.kvCapacityTokens / engine.maxModelLen), maxModelLen: engine.maxModelLen, kvCacheGiBPerGpu: round(memory.kvGiBPerGpu), weightsGiBPerGpu: round(memory.weightsGiBPerGpu) }
  } catch {
    return undefined
  }
}


/** Runs `command`, reads the current deploy's start-up lines and sets the model's figures beside them (never throws). */
export async function readVllmStartup(command: readonly string[], box: HardwareProfile | undefined, request: { model: string; dtype: string; variant: DeployPlan }, constants?: ModelConstants): Promise<VllmStartup> {
  const log = await readLog(command)
  const startup = typeof log === 'string' ? { lines: [], unavailable: [log] } : parseVllmStartup(log)
  const predicted = box ? predictStartup(box, request.model, request.variant, request.dtype, constants) : undefined
  if (predicted) startup.predicted = predicted
  else startup.unavailable.push(box ? `no model prediction: ${request.model} is not in the model catalog or its args cannot be planned` : "no model prediction: the target's GPUs are not in the hardware catalog")
  return startup
}
