/** `mlnode-bench merge <results.json…> --out <file>`: one RunResults from shard results. */
import { parseArgs } from 'node:util'
import { MlnodeBenchError } from '../../errors.js'
import { writeFileAtomic } from '../../report/atomic-write.js'
import { mergeRunResults, readRunResults } from '../../report/run-results.js'

export const summary = 'merge shard results.json files into one (duplicate keys are an error)'

const USAGE = `Usage: mlnode-bench merge <results.json…> --out <file>

Merges the RunResults of several shards (vitest --shard=i/n). A model › variant › workload present
in two files is an error naming both files.`

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { out: { type: 'string', short: 'o' }, help: { type: 'boolean', short: 'h' } } })
  if (values.help) {
    console.log(USAGE)
    return 0
  }
  if (!values.out || positionals.length === 0) throw new MlnodeBenchError('MLNB_CLI', `merge needs --out and at least one results file\n\n${USAGE}`)
  const files = await Promise.all(positionals.map(async (path) => ({ path, run: await readRunResults(path) })))
  const merged = mergeRunResults(files)
  await writeFileAtomic(values.out, `${JSON.stringify(merged, null, 2)}\n`)
  console.log(`Merged ${merged.results.length} results from ${files.length} file(s) into ${values.out}`)
  return 0
}
