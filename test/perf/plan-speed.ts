/**
 * How long `mlnode-bench plan` takes for every hardware profile and example model (the target is
 * under 10 s each, MLNode's default compressa config): a script that PRINTS its figures
 * (npm run bench:plan-speed), not a timed test. Each run is the command as a user starts it,
 * in a child process; wall time depends on the machine's load, CPU time much less.
 */
import { execa } from 'execa'
import { fileURLToPath } from 'node:url'
import { listHardwareProfiles, listModelSpecs } from '../../src/model/index.js'

const repo = fileURLToPath(new URL('../../', import.meta.url))
// The models of benchmarks/*.bench.ts with their mandatory args.
const MODELS: Array<[model: string, mandatory: string]> = [
  ['Qwen/QwQ-32B', '--quantization fp8 --kv-cache-dtype fp8'],
  ['Qwen/Qwen2.5-7B-Instruct', '--quantization fp8'],
]

// The Gonka network's models on the boxes hosts run them on, for those the catalog has (ids are
// matched, not assumed: the catalog grows).
const NETWORK: Array<[model: RegExp, boxes: string[]]> = [
  [/^Qwen\/Qwen3-235B-A22B(-Instruct-2507)?(-FP8)?$/, ['8xh100-sxm', '4xh200']],
  [/Kimi-K2/i, ['8xh200', '4xb200']],
  [/MiniMax-M2/i, ['4xh100-sxm', '2xh200']],
]
const runs: Array<[hardware: string, model: string, mandatory: string]> = [
  ...listHardwareProfiles().flatMap((h) => MODELS.map(([model, mandatory]): [string, string, string] => [h.id, model, mandatory])),
  ...NETWORK.flatMap(([pattern, boxes]) =>
    listModelSpecs()
      .filter((m) => pattern.test(m.id))
      .flatMap((m) => boxes.map((box): [string, string, string] => [box, m.id, ''])),
  ),
]

const rows: string[][] = [['hardware', 'model', 'wall s', 'CPU s', 'ranked', 'rejected', 'top']]
let worst = 0
for (const [hardware, model, mandatory] of runs) {
  const r = await execa(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'plan', '--model', model, '--hardware', hardware, '--mandatory-args', mandatory, '--json'], { cwd: repo, reject: false })
  if (r.exitCode !== 0) {
    rows.push([hardware, model, '-', '-', '-', '-', `exit ${r.exitCode}: ${r.stderr.split('\n')[0]}`])
    continue
  }
  const plan = JSON.parse(r.stdout) as { elapsedS: number; cpuS: number; ranked: Array<{ name: string }>; rejected: unknown[] }
  worst = Math.max(worst, plan.elapsedS)
  rows.push([hardware, model, plan.elapsedS.toFixed(1), plan.cpuS.toFixed(1), String(plan.ranked.length), String(plan.rejected.length), plan.ranked.slice(0, 2).map((x) => x.name).join(', ') || '(none fits)'])
}
const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)))
for (const row of rows) console.log(row.map((cell, i) => cell.padEnd(widths[i]!)).join('  '))
console.log(`\nslowest plan (in-command wall time, without the process start): ${worst.toFixed(1)} s (target < 10 s)`)
