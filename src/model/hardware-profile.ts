/** A server the performance model knows: its catalog profile or a hardware file (hardware.ts). */
import type { GpuSpec, InterconnectSpec } from './gpus.js'

/** A server: N identical GPUs and the links between them. */
export interface HardwareProfile {
  /** Profile id, e.g. "8xrtx-4070-ti-super". */
  id: string
  gpuCount: number
  gpu: GpuSpec
  /** Links between this box's GPUs (defaults to the GPU's usual box interconnect). */
  interconnect: InterconnectSpec
  description: string
}
