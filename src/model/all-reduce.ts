/**
 * Which all-reduce vLLM runs for a tensor-parallel group, and how long one call takes.
 *
 * vLLM's own kernel (vllm/distributed/device_communicators/custom_all_reduce.py, CustomAllreduce)
 * is set up only when the group has 2, 4, 6 or 8 GPUs (`_SUPPORTED_WORLD_SIZES`), every pair can
 * do P2P (`_can_p2p`, false on GeForce drivers), and the group is either 2 GPUs or fully NVLink-
 * connected (otherwise: "Custom allreduce is disabled because it's not supported on more than two
 * PCIe-only GPUs"); a call takes it only when the tensor is at most `max_size` = 8 MiB
 * (`should_custom_ar`: `world_size == 2 or fully_connected` and `inp_size <= max_size`). Every
 * other call goes through NCCL (PyNccl): a ring with its per-call latency alpha(n) and bus
 * bandwidth busbw(n) from the box's catalog figures.
 */
import { allReduceFigures, type InterconnectSpec } from './gpus.js'

/** vLLM's CustomAllreduce default `max_size` (8192 * 1024 bytes). */
export const CUSTOM_ALL_REDUCE_MAX_BYTES = 8192 * 1024
const CUSTOM_ALL_REDUCE_SIZES: ReadonlySet<number> = new Set([2, 4, 6, 8])

/** True when vLLM would run its custom all-reduce kernel for this call. */
export function usesCustomAllReduce(link: InterconnectSpec, tp: number, bytes: number): boolean {
  const fullNvlink = link.link.startsWith('nvlink')
  return CUSTOM_ALL_REDUCE_SIZES.has(tp) && link.p2p && (tp === 2 || fullNvlink) && bytes <= CUSTOM_ALL_REDUCE_MAX_BYTES
}

/** Multipliers a calibration applies to the catalog's latencies and bandwidths. */
export interface InterconnectScales {
  latency: number
  bandwidth: number
}

/**
 * Seconds of one all-reduce of `bytes` over `tp` GPUs. NCCL ring: alpha(n) + 2(n−1)/n · bytes /
 * busbw(n). Custom kernel: on an NVLink mesh the catalog's figures (they describe the small
 * messages where it runs); on 2 PCIe GPUs one-shot P2P: each GPU reads its peer's buffer once, so
 * the send latency plus bytes / one-way P2P bandwidth.
 */
export function allReduceSeconds(link: InterconnectSpec, tp: number, bytes: number, scales: InterconnectScales): number {
  if (tp <= 1) return 0
  const ring = allReduceFigures(link, tp)
  if (usesCustomAllReduce(link, tp, bytes) && !link.link.startsWith('nvlink')) {
    return Math.min(ring.latencyUs, link.p2pLatencyUs) * 1e-6 * scales.latency + bytes / (link.p2pBandwidthGBps * 1e9 * scales.bandwidth)
  }
  return ring.latencyUs * 1e-6 * scales.latency + ((2 * (tp - 1)) / tp) * (bytes / (ring.busBandwidthGBps * 1e9 * scales.bandwidth))
}
