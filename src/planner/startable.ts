/**
 * A measured point proves its server started. When the memory model refuses the point's args for
 * lack of KV memory only (vLLM's "KV cache is needed, which is larger than the available KV cache
 * memory" or "No available memory for the cache blocks"), the measured run had more memory than
 * the model grants: a setting the point does not record (another gpu_memory_utilization or
 * max_model_len, more GPUs, another vLLM version; docs/perf-model.md §6). Step time does not
 * depend on the KV size, so `calibrate` and the validation still use such a point, priced with
 * --max-model-len equal to its workload's length and, if that does not fit either, a KV cache of
 * exactly one such request (the least the real server had). The refusal is reported.
 */
import { parseVllmArgs } from '../args/index.js'
import { feasibility, resolveEngineConfig } from '../model/index.js'
import { splitArgString } from './predict-core.js'
import type { FitInput, MeasuredPoint } from './fit.js'

/** The point as the model can run it, and the refusal it replaced (absent: the args start as measured). */
export interface StartablePoint {
  point: MeasuredPoint
  memoryMiss?: string
}

const KV_KINDS: ReadonlySet<string> = new Set(['kv-too-small', 'no-kv-memory'])

/** The engine of these args, and the first sentence of its KV refusal (absent when nothing but KV memory fails, or nothing fails). */
function kvRefusal(setup: Pick<FitInput, 'hardware' | 'model' | 'dtype'>, point: MeasuredPoint, args: string): { blockSize: number; miss?: string } {
  const engine = resolveEngineConfig(parseVllmArgs(splitArgString(args), { source: point.label }).values, setup.model, setup.hardware, setup.dtype)
  const problems = feasibility(setup.hardware, setup.model, engine)
  if (problems.length === 0 || problems.some((p) => !KV_KINDS.has(p.kind))) return { blockSize: engine.blockSize }
  return { blockSize: engine.blockSize, miss: problems[0]!.message.split('. ')[0]! }
}

/** See the file comment. Points refused for any other reason are returned unchanged (the fit names the problem). */
export function startablePoint(setup: Pick<FitInput, 'hardware' | 'model' | 'dtype'>, point: MeasuredPoint): StartablePoint {
  const box = point.box ?? setup
  const { miss } = kvRefusal(box, point, point.args)
  if (miss === undefined) return { point }
  const len = point.workload.promptTokens + point.workload.maxTokens
  let args = `${point.args} --max-model-len ${len}`.trim()
  const shortened = kvRefusal(box, point, args)
  if (shortened.miss !== undefined) args += ` --num-gpu-blocks-override ${Math.ceil(len / shortened.blockSize)}`
  return { point: { ...point, args }, memoryMiss: miss }
}
