/** summary.md's "GPUs" table: one row per bench with GPU telemetry (gpu-text.ts figures). */
import type { BenchResult } from '../contracts/results.js'
import { gpuCells } from './gpu-text.js'

/** Escapes table separators and HTML, as the rest of summary.md does. */
const esc = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ')

const COLUMNS = ['GPU util', 'util per stage', 'memory headroom', 'power', 'output tokens/J']

export function gpuSection(results: readonly BenchResult[]): string[] {
  const measured = results.filter((r) => r.gpuTelemetry && (r.gpuTelemetry.samples > 0 || r.gpuTelemetry.unavailable.length > 0))
  if (measured.length === 0) return []
  const rows = measured.map((r) => {
    const t = r.gpuTelemetry!
    const cells = new Map(gpuCells(t))
    const note = t.unavailable.length ? `not available: ${t.unavailable.join('; ')}` : ''
    return `| ${esc(r.model)} › ${esc(r.variant)} › ${esc(r.workload)}${r.target.kind === 'simulated' ? ' (simulated)' : ''} | ${COLUMNS.map((c) => esc(cells.get(c) ?? '—')).join(' | ')} | ${esc(note)} |`
  })
  return [
    '### GPUs (MLNode /api/v1/gpu/devices, power command)',
    '',
    "Utilisation of the variant's GPUs while the workload ran (per pipeline stage when PP > 1: stages well below 100 % under load are a PP bubble), the least free GPU memory, and output tokens per joule where the suite's powerCommand measured power.",
    '',
    `| Bench | ${COLUMNS.join(' | ')} | Note |`,
    `|---|${COLUMNS.map(() => '--:').join('|')}|---|`,
    ...rows,
    '',
  ]
}
