import { MlnodeBenchError } from '../errors.js'

/**
 * The weight format of a pre-quantized checkpoint, read from config.json's `quantization_config`
 * (docs/perf-model.md "Weight formats"): what one quantized weight costs in bytes, scales
 * included, and which module groups the checkpoint keeps in 16 bits.
 */

/** Module groups whose precision a checkpoint may choose separately. */
export type ModuleGroup = 'attention' | 'routedExperts' | 'sharedExperts' | 'denseMlp' | 'router' | 'lmHead' | 'vision'

export interface WeightFormat {
  /** `quant_method` as the checkpoint names it ('fp8', 'compressed-tensors', 'awq', 'modelopt', …). */
  method: string
  /** Short human name: 'fp8-block', 'int4-group32', 'nvfp4', 'awq-int4-group128'. */
  name: string
  /** Bytes of one quantized weight element, its share of the scales (and zero points) included. */
  bytesPerWeight: number
  /** Bits of the quantized weights (8 or 4): the step-cost picks its GEMM rate from it. */
  bits: number
  /** Groups the checkpoint leaves in 16 bits (its ignore / modules_to_not_convert list). */
  kept16: ReadonlySet<ModuleGroup>
  /** `weight_block_size` of block-wise FP8 checkpoints. */
  blockSize?: readonly [number, number]
  /**
   * Groups quantized by another scheme than the main one (compressed-tensors checkpoints with
   * several `config_groups`, e.g. FP8 attention + NVFP4 experts): their own bytes and bits.
   */
  perGroup?: Readonly<Partial<Record<ModuleGroup, { bytesPerWeight: number; bits: number }>>>
}

/**
 * A representative module name of each group, in vLLM's naming (DeepSeek/Qwen/Mixtral/MiniMax
 * layouts), to test a checkpoint's ignore patterns against. Layer 5 is a MoE layer in every
 * catalogued model; layer 0 is the dense layer of DeepSeek-style models.
 */
const PROBES: Readonly<Record<ModuleGroup, readonly string[]>> = {
  attention: ['model.layers.5.self_attn.o_proj', 'language_model.model.layers.5.self_attn.kv_b_proj'],
  routedExperts: ['model.layers.5.mlp.experts.3.gate_proj', 'model.layers.5.block_sparse_moe.experts.3.w1', 'language_model.model.layers.5.mlp.experts.3.down_proj'],
  sharedExperts: ['model.layers.5.mlp.shared_experts.gate_proj', 'model.layers.5.mlp.shared_expert.gate_proj', 'language_model.model.layers.5.mlp.shared_experts.down_proj'],
  denseMlp: ['model.layers.0.mlp.gate_proj', 'language_model.model.layers.0.mlp.down_proj'],
  router: ['model.layers.5.mlp.gate', 'model.layers.5.block_sparse_moe.gate'],
  lmHead: ['lm_head'],
  vision: ['vision_tower.encoder.blocks.0.mlp.fc0', 'mm_projector.linear_1'],
}

function fail(file: string, field: string, value: unknown, problem: string): never {
  throw new MlnodeBenchError('MLNB_MODEL', `${file}: field "${field}" = ${JSON.stringify(value)} ${problem}`, { details: { file, field, value } })
}

/**
 * Whether an ignore entry covers a module name. compressed-tensors' "re:" entries are Python
 * regexes matched from the start (`re.match`, compressed_tensors/utils/match.py); other entries
 * name modules by whole dotted components ("gate" is MiniMax's router `block_sparse_moe.gate`,
 * not `gate_proj`; "model.layers.0." is one layer), as vLLM's `is_layer_skipped` /
 * `is_layer_skipped_awq` compare module prefixes
 * (vllm/model_executor/layers/quantization/utils/quant_utils.py, awq.py).
 */
function ignoreMatches(entry: string, moduleName: string): boolean {
  if (entry.startsWith('re:')) {
    try {
      return new RegExp(`^(?:${entry.slice(3)})`).test(moduleName)
    } catch {
      return false
    }
  }
  const wanted = entry.replace(/^\.+|\.+$/g, '')
  return wanted !== '' && `.${moduleName}.`.includes(`.${wanted}.`)
}

function keptGroups(ignore: readonly string[]): Set<ModuleGroup> {
  // The router, embeddings, norms and lm_head are never quantized by vLLM's fp8/int methods.
  const kept = new Set<ModuleGroup>(['router', 'lmHead'])
  for (const [group, names] of Object.entries(PROBES) as [ModuleGroup, readonly string[]][]) {
    if (names.some((name) => ignore.some((entry) => ignoreMatches(entry, name)))) kept.add(group)
  }
  return kept
}

function stringList(q: Record<string, unknown>, field: string, file: string): string[] {
  const v = q[field]
  if (v === undefined || v === null) return []
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) fail(file, `quantization_config.${field}`, v, 'must be a list of module names')
  return v as string[]
}

function positive(q: Record<string, unknown>, field: string, file: string, fallback?: number): number {
  const v = q[field]
  if ((v === undefined || v === null) && fallback !== undefined) return fallback
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) fail(file, `quantization_config.${field}`, v, 'must be a positive integer')
  return v
}

/** FP8: one byte per weight, plus one fp32 scale per weight block (`weight_scale_inv`). */
function fp8Format(q: Record<string, unknown>, file: string, method: string, ignore: string[]): WeightFormat {
  const block = q.weight_block_size
  if (block === undefined || block === null) {
    // Per-tensor or per-channel scales: negligible next to the weights.
    return { method, name: 'fp8', bytesPerWeight: 1, bits: 8, kept16: keptGroups(ignore) }
  }
  if (!Array.isArray(block) || block.length !== 2 || !block.every((b) => typeof b === 'number' && Number.isInteger(b) && b > 0)) {
    fail(file, 'quantization_config.weight_block_size', block, 'must be two positive integers, e.g. [128, 128]')
  }
  const [n, k] = block as [number, number]
  return { method, name: 'fp8-block', bytesPerWeight: 1 + 4 / (n * k), bits: 8, kept16: keptGroups(ignore), blockSize: [n, k] }
}

/** Integer weights of `bits` in groups of `group`: packed values, a 16-bit scale per group, and a packed zero point when asymmetric. */
function intGroupBytes(bits: number, group: number, symmetric: boolean): number {
  return bits / 8 + 2 / group + (symmetric ? 0 : bits / 8 / group)
}

/** One compressed-tensors weight scheme: bytes per weight with scales, bits, a name, a block. */
interface Scheme {
  name: string
  bytesPerWeight: number
  bits: number
  blockSize?: readonly [number, number]
}

function compressedTensorsScheme(w: Record<string, unknown> | null, field: string, file: string): Scheme {
  if (w === null || typeof w !== 'object') fail(file, field, w, 'must describe the weight quantization')
  const bits = w.num_bits
  const type = w.type ?? 'int'
  const strategy = w.strategy
  if (type === 'float' && bits === 8) {
    const blockStructure = w.block_structure
    const blk = Array.isArray(blockStructure) && blockStructure.length === 2 ? (blockStructure as [number, number]) : undefined
    return { name: blk ? 'fp8-block' : 'fp8', bytesPerWeight: 1 + (blk ? 4 / (blk[0] * blk[1]) : 0), bits: 8, ...(blk ? { blockSize: blk } : {}) }
  }
  if (type === 'float' && bits === 4) {
    // NVFP4 in compressed-tensors: group 16 with FP8 scales.
    const g = positive(w, 'group_size', file, 16)
    return { name: `fp4-group${g}`, bytesPerWeight: 0.5 + 1 / g, bits: 4 }
  }
  if (type !== 'int' || (bits !== 4 && bits !== 8)) fail(file, `${field}.num_bits`, bits, `(type ${JSON.stringify(type)}) is not a weight format the model knows (int 4/8, float 8, float 4)`)
  if (strategy !== 'group' && strategy !== 'channel') fail(file, `${field}.strategy`, strategy, 'must be "group" or "channel"')
  const symmetric = w.symmetric !== false
  if (strategy === 'channel') return { name: `int${bits}-channel`, bytesPerWeight: bits / 8, bits }
  const g = positive(w, 'group_size', file)
  return { name: `int${bits}-group${g}`, bytesPerWeight: intGroupBytes(bits, g, symmetric), bits }
}

/** Whether a compressed-tensors `targets` entry covers a module: "Linear" covers every linear layer. */
function targetMatches(target: string, moduleName: string): boolean {
  return target === 'Linear' || ignoreMatches(target, moduleName)
}

/**
 * compressed-tensors (llm-compressor): each `config_groups.*` names its `targets` and its
 * `weights` (num_bits, type, strategy, group_size); `ignore` names what stays 16-bit (Kimi-K2.6:
 * attention, shared experts, the dense MLP, lm_head, the vision tower and projector: only the
 * routed experts are INT4). A module group is priced by the first config group whose targets
 * cover it (vLLM's `CompressedTensorsConfig.get_scheme` picks the matching group per layer);
 * one no group covers stays 16-bit. The routed experts' scheme (else the first) is the main one.
 */
function compressedTensorsFormat(q: Record<string, unknown>, file: string): WeightFormat {
  const groups = q.config_groups
  if (typeof groups !== 'object' || groups === null || Object.keys(groups).length === 0) {
    fail(file, 'quantization_config.config_groups', groups, 'must name at least one quantization group')
  }
  const schemes = Object.entries(groups as Record<string, unknown>).map(([name, raw]) => {
    const group = (raw ?? {}) as Record<string, unknown>
    const targets = group.targets ?? ['Linear']
    if (!Array.isArray(targets) || !targets.every((t) => typeof t === 'string')) {
      fail(file, `quantization_config.config_groups.${name}.targets`, targets, 'must be a list of module names or "re:" patterns')
    }
    const scheme = compressedTensorsScheme((group.weights ?? null) as Record<string, unknown> | null, `quantization_config.config_groups.${name}.weights`, file)
    return { targets: targets as string[], scheme }
  })
  const kept16 = keptGroups(stringList(q, 'ignore', file))
  const assigned: Partial<Record<ModuleGroup, Scheme>> = {}
  for (const [group, names] of Object.entries(PROBES) as [ModuleGroup, readonly string[]][]) {
    if (kept16.has(group)) continue
    const hit = schemes.find((s) => names.some((n) => s.targets.some((t) => targetMatches(t, n))))
    if (hit === undefined) kept16.add(group)
    else assigned[group] = hit.scheme
  }
  const main = assigned.routedExperts ?? schemes[0]!.scheme
  const perGroup: Partial<Record<ModuleGroup, { bytesPerWeight: number; bits: number }>> = {}
  for (const [group, scheme] of Object.entries(assigned) as [ModuleGroup, Scheme][]) {
    if (scheme !== main) perGroup[group] = { bytesPerWeight: scheme.bytesPerWeight, bits: scheme.bits }
  }
  return {
    method: 'compressed-tensors',
    name: main.name,
    bytesPerWeight: main.bytesPerWeight,
    bits: main.bits,
    kept16,
    ...(main.blockSize ? { blockSize: main.blockSize } : {}),
    ...(Object.keys(perGroup).length > 0 ? { perGroup } : {}),
  }
}

/**
 * Reads a checkpoint's `quantization_config`. Absent → undefined (16-bit checkpoint).
 * @throws MlnodeBenchError 'MLNB_MODEL' naming the file, the field and its value when the
 *   method or one of its size-changing fields is not one the model knows.
 */
export function parseWeightFormat(raw: unknown, file: string): WeightFormat | undefined {
  if (raw === undefined || raw === null) return undefined
  if (typeof raw !== 'object' || Array.isArray(raw)) fail(file, 'quantization_config', raw, 'must be an object')
  const q = raw as Record<string, unknown>
  const method = q.quant_method
  if (typeof method !== 'string') fail(file, 'quantization_config.quant_method', method, 'must be a string')
  const m = method.toLowerCase()
  if (m === 'fp8' || m === 'fbgemm_fp8') return fp8Format(q, file, method, stringList(q, 'modules_to_not_convert', file))
  if (m === 'compressed-tensors' || m === 'compressed_tensors') return compressedTensorsFormat(q, file)
  if (m === 'awq' || m === 'gptq') {
    const bits = positive(q, m === 'awq' ? 'bits' : 'bits', file)
    if (bits !== 4 && bits !== 8) fail(file, 'quantization_config.bits', bits, 'must be 4 or 8')
    const g = q.group_size === -1 ? Number.POSITIVE_INFINITY : positive(q, 'group_size', file)
    // AWQ keeps zero points (zero_point: true); GPTQ symmetric checkpoints still store qzeros.
    const bytes = Number.isFinite(g) ? intGroupBytes(bits, g, false) : bits / 8
    return { method, name: `${m}-int${bits}-group${Number.isFinite(g) ? g : 'channel'}`, bytesPerWeight: bytes, bits, kept16: keptGroups(stringList(q, 'modules_to_not_convert', file)) }
  }
  if (m === 'modelopt' || m === 'modelopt_fp4') {
    const algo = String(q.quant_algo ?? (m === 'modelopt_fp4' ? 'NVFP4' : '')).toUpperCase()
    const ignore = [...stringList(q, 'ignore', file), ...stringList(q, 'exclude_modules', file)]
    if (algo === 'FP8') return { method, name: 'fp8', bytesPerWeight: 1, bits: 8, kept16: keptGroups(ignore) }
    if (algo !== 'NVFP4') fail(file, 'quantization_config.quant_algo', q.quant_algo, 'is not a ModelOpt format the model knows (NVFP4, FP8)')
    // NVFP4: E2M1 values (half a byte) + one FP8 E4M3 scale per 16 (+ a per-tensor fp32 scale).
    const g = positive(q, 'group_size', file, 16)
    return { method, name: `nvfp4-group${g}`, bytesPerWeight: 0.5 + 1 / g, bits: 4, kept16: keptGroups(ignore) }
  }
  if (m === 'mxfp4') {
    // OCP MX: E2M1 values + one E8M0 scale per 32.
    return { method, name: 'mxfp4', bytesPerWeight: 0.5 + 1 / 32, bits: 4, kept16: keptGroups(stringList(q, 'modules_to_not_convert', file)) }
  }
  return fail(file, 'quantization_config.quant_method', method, 'is not a weight format the model knows (fp8, compressed-tensors, awq, gptq, modelopt, mxfp4)')
}

/**
 * A uniform format: every linear weight of `bytes` (what `--quantization` gives a 16-bit
 * checkpoint, or the checkpoint's own dtype); the router and lm_head stay 16-bit.
 */
export function uniformWeightFormat(bytes: number): WeightFormat {
  return { method: 'uniform', name: `${bytes * 8}-bit`, bytesPerWeight: bytes, bits: bytes * 8, kept16: new Set<ModuleGroup>(['router', 'lmHead']) }
}

/** Bytes per weight of a module group under a format (16-bit groups cost `bytes16`). */
export function groupBytes(format: WeightFormat, group: ModuleGroup, bytes16 = 2): number {
  if (format.kept16.has(group)) return bytes16
  return format.perGroup?.[group]?.bytesPerWeight ?? format.bytesPerWeight
}

/** Bits of a module group's weights under a format (16 for the groups it keeps). */
export function groupBits(format: WeightFormat, group: ModuleGroup): number {
  if (format.kept16.has(group)) return 16
  return format.perGroup?.[group]?.bits ?? format.bits
}
