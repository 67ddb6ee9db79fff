/** `mlnode-bench merge <results.json…> --out <file>`: one RunResults from shard results. */
import { writeFileAtomic } from '../../outputs/atomic-write.js'
import { mergeRunResults } from '../../report/run-results.js'
import { readRunResults } from '../../outputs/results-file.js'
import { parseCommandLine } from '../parse-options.js'

export const summary = 'merge shard results.json files into one (duplicate keys are an error)'

const USAGE = `Usage: mlnode-bench merge <results.json…> --out <file>

Merges the RunResults of several shards (vitest --shard=i/n). A model › variant › workload present
in two files is an error naming both files.`

/** Entry point of `mlnode-bench merge`. */
export async function run(argv: string[]): Promise<number> {
  const cli = parseCommandLine(
    { command: 'merge', usage: USAGE, options: { out: { type: 'string', short: 'o', required: true } }, positionals: { name: 'results file', min: 1 } },
    argv,
  )
  if (!cli) return 0
  const files = await Promise.all(cli.positionals.map(async (path) => ({ path, run: await readRunResults(path) })))
  const merged = mergeRunResults(files)
  await writeFileAtomic(cli.values.out, `${JSON.stringify(merged, null, 2)}\n`)
  console.log(`Merged ${merged.results.length} results from ${files.length} file(s) into ${cli.values.out}`)
  return 0
}
