/**
 * `plan --write-suite`: the chosen variants as a ready `*.bench.ts` (the shape of
 * benchmarks/*.bench.ts), so the host confirms the prediction with real deployments.
 */
import { dirname, relative, resolve, sep } from 'node:path'
import { writeFileAtomic } from '../../outputs/atomic-write.js'
import type { Slo } from '../../contracts/records.js'
import type { RankedVariant } from '../../planner/search.js'

export interface SuiteSource {
  model: string
  mandatoryArgs: string[]
  hardware: string
  dtype: string
  /** The compressa-perf YAML used for the prediction; undefined = MLNode's default config. */
  workloadsFile?: string
  /** Per chosen variant, the line of predictions written above it. */
  variants: ReadonlyArray<{ variant: RankedVariant; rank: number }>
  objective: string
  /** The --slo the ranking used: the suite's runs measure goodput against the same SLO. */
  slo?: Slo
}

const q = (text: string): string => JSON.stringify(text)
const list = (tokens: readonly string[]): string => `[${tokens.map(q).join(', ')}]`

/** The suite's text; `suiteFile` decides the relative path of the workloads file. */
export function suiteText(source: SuiteSource, suiteFile: string): string {
  const workloads =
    source.workloadsFile === undefined
      ? 'compressaDefaultConfigPath'
      : q(relativeImport(dirname(resolve(suiteFile)), resolve(source.workloadsFile)))
  const imports = source.workloadsFile === undefined ? 'compressaDefaultConfigPath, deploymentSuite' : 'deploymentSuite'
  const lines = [
    `// Written by \`mlnode-bench plan\` for ${source.model} on ${source.hardware}: the variants ranked best by`,
    `// ${source.objective} in the PERFORMANCE MODEL's prediction (simulated, not measured). Run it against`,
    '// the real MLNode to confirm; the predicted figures are in the comments.',
    `import { ${imports} } from "mlnode-bench"`,
    '',
    'deploymentSuite({',
    `  model: ${q(source.model)},`,
    `  mandatoryArgs: ${list(source.mandatoryArgs)},`,
    ...(source.dtype === 'float16' ? [] : [`  dtype: ${q(source.dtype)},`]),
    '  variants: {',
  ]
  for (const { variant, rank } of source.variants) {
    const out = variant.predictions.map((p) => p.figures.output_tokens_per_s.toFixed(0)).join(' / ')
    lines.push(`    // #${rank}: ${variant.instances} instance(s), predicted output tok/s per workload ${out} (simulated)`)
    lines.push(`    ${q(variant.name)}: ${list(variant.variantArgs)},`)
  }
  lines.push('  },', `  workloads: ${workloads},`, `  hardware: ${q(source.hardware)},`)
  if (source.slo !== undefined && Object.keys(source.slo).length > 0) {
    lines.push(`  slo: { ${Object.entries(source.slo).map(([k, v]) => `${k}: ${String(v)}`).join(', ')} },`)
  }
  lines.push('})', '')
  return lines.join('\n')
}

/** A path relative to `fromDir` written with forward slashes. */
function relativeImport(fromDir: string, path: string): string {
  const rel = relative(fromDir, path).split(sep).join('/')
  return rel.startsWith('.') ? rel : `./${rel}`
}

/** Writes the suite atomically. */
export async function writeSuite(source: SuiteSource, suiteFile: string): Promise<void> {
  await writeFileAtomic(suiteFile, suiteText(source, suiteFile))
}
