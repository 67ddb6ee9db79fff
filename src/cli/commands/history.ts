/**
 * `mlnode-bench history add|list|import-compressa|copy`: the run history in SQLite
 * (`.mlnode-bench/history.sqlite` unless `--history <db>`), or in PostgreSQL when
 * MLNODE_BENCH_HISTORY_URL (or `--history`) is a postgres:// URL.
 */
import { copyRuns } from '../../history/copy.js'
import { importCompressa } from '../../history/import-compressa.js'
import { renderHistoryList } from '../../history/list-text.js'
import { DEFAULT_HISTORY_FILE, HISTORY_URL_VARIABLE, historyLocation, withHistory } from '../../history/store.js'
import { readRunResults } from '../../outputs/results-file.js'
import { parseCommandLine, usageError } from '../parse-options.js'
import { MlnodeBenchError } from '../../errors.js'

export const summary = 'run history (SQLite, or PostgreSQL shared by a team): add results.json, list runs, import a compressa-perf database'

const USAGE = `Usage: mlnode-bench history add <results.json>... [--history ${DEFAULT_HISTORY_FILE}] [--allow-incomplete]
       mlnode-bench history list [--history <db>] [--branch <name>] [--limit <n>] [--show-metrics]
       mlnode-bench history import-compressa <compressa-perf-db.sqlite> [--history <db>]
                                             [--model <name>] [--variant <name>] [--hardware <name>]
       mlnode-bench history copy <from-history> [--history <db>]

add               appends the runs of results files (a run already in the history is not added twice;
                  only the results a run measured itself, not those a partial run kept from earlier ones);
                  a run that has not ended ('running', 'interrupted') only with --allow-incomplete
list              prints the runs, newest first, like compressa-perf's list
import-compressa  reads compressa-perf's own database (Experiments, Parameters, Metrics, Measurements):
                  one run per experiment, metrics recomputed from its per-request measurements;
                  --model defaults to its model_name parameter, --variant to "compressa-perf"
copy              adds every run of another history (an SQLite file or a postgres:// URL) to this one,
                  e.g. a machine's .mlnode-bench/history.sqlite into the team's shared PostgreSQL history;
                  runs already there are kept once, so it can be run again

--history is an SQLite file or a postgres:// URL; without it, ${HISTORY_URL_VARIABLE}=postgres://…
(a PostgreSQL history a team shares) when set, else ${DEFAULT_HISTORY_FILE}.`

const SUBCOMMANDS = ['add', 'list', 'import-compressa', 'copy'] as const

/** Entry point of `mlnode-bench history`. */
export async function run(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv
  if (sub === undefined || sub === '--help' || sub === '-h') {
    console.log(USAGE)
    return sub === undefined ? 2 : 0
  }
  if (!(SUBCOMMANDS as readonly string[]).includes(sub)) throw usageError('history', `unknown subcommand "${sub}" (expected ${SUBCOMMANDS.join(', ')})`, { value: sub })
  if (sub === 'add') return add(rest)
  if (sub === 'list') return list(rest)
  if (sub === 'copy') return copy(rest)
  return importDb(rest)
}

async function add(argv: string[]): Promise<number> {
  const cli = parseCommandLine({ command: 'history', usage: USAGE, options: { history: { type: 'string' }, 'allow-incomplete': { type: 'boolean' } }, positionals: { name: 'results file', min: 1 } }, argv)
  if (!cli) return 0
  const location = historyLocation(cli.values.history)
  const path = location.shownAs
  // Every file is read and checked before the store changes: a bad file adds nothing.
  const files = await Promise.all(cli.positionals.map(async (p) => ({ p, run: await readRunResults(p) })))
  // A run still going on (or killed while it was) is not history yet: its own end adds it.
  const incomplete = files.filter(({ run }) => run.run !== undefined && run.run.state !== 'complete')
  if (incomplete.length > 0 && cli.values['allow-incomplete'] !== true) {
    throw new MlnodeBenchError(
      'MLNB_HISTORY',
      `${incomplete.map(({ p, run }) => `${p} is of run ${run.run!.id}, ${run.run!.state === 'running' ? "'running' (still going on, or killed before it ended)" : `'${run.run!.state}'`}`).join('; ')}: not added. Add it once the run has ended, or pass --allow-incomplete to add what it measured as it is.`,
      { details: { files: incomplete.map(({ p }) => p) } },
    )
  }
  await withHistory(
    location,
    async (store) => {
      for (const { p, run } of files) {
        const added = await store.addRun(run)
        console.log(added.added ? `${p}: run #${added.seq} added to ${path} (${added.results} result${added.results === 1 ? '' : 's'})` : `${p}: already in ${path} as run #${added.seq}, not added again`)
      }
    },
    { write: true },
  )
  return 0
}

async function list(argv: string[]): Promise<number> {
  const cli = parseCommandLine(
    {
      command: 'history',
      usage: USAGE,
      options: { history: { type: 'string' }, branch: { type: 'string' }, limit: { type: 'integer', min: 1 }, 'show-metrics': { type: 'boolean' } },
    },
    argv,
  )
  if (!cli) return 0
  const { values } = cli
  const filter = { ...(values.branch === undefined ? {} : { branch: values.branch }), ...(values.limit === undefined ? {} : { limit: values.limit }) }
  const text = await withHistory(historyLocation(values.history), async (store) =>
    renderHistoryList(values['show-metrics'] ? await store.runs(filter) : await store.listRuns(filter), { metrics: values['show-metrics'], ...(values.branch === undefined ? {} : { branch: values.branch }) }),
  )
  console.log(text)
  return 0
}

async function importDb(argv: string[]): Promise<number> {
  const cli = parseCommandLine(
    {
      command: 'history',
      usage: USAGE,
      options: { history: { type: 'string' }, model: { type: 'string' }, variant: { type: 'string' }, hardware: { type: 'string' } },
      positionals: { name: 'compressa-perf database', min: 1 },
    },
    argv,
  )
  if (!cli) return 0
  if (cli.positionals.length > 1) throw usageError('history', `import-compressa takes one database, got ${cli.positionals.length}`)
  const { values } = cli
  const location = historyLocation(values.history)
  const path = location.shownAs
  const source = cli.positionals[0]!
  const options = {
    ...(values.model === undefined ? {} : { model: values.model }),
    ...(values.variant === undefined ? {} : { variant: values.variant }),
    ...(values.hardware === undefined ? {} : { hardware: values.hardware }),
  }
  const report = await withHistory(location, (store) => importCompressa(store, source, options), { write: true })
  for (const e of report.experiments)
    console.log(`experiment ${e.id} "${e.name}" (${e.requests} requests): ${e.added ? 'imported' : 'already in the history, not imported again'}`)
  for (const s of report.skipped) console.log(`skipped ${s}`)
  const added = report.experiments.filter((e) => e.added).length
  console.log(`${source}: ${added} experiment${added === 1 ? '' : 's'} imported into ${path}`)
  return 0
}

async function copy(argv: string[]): Promise<number> {
  const cli = parseCommandLine({ command: 'history', usage: USAGE, options: { history: { type: 'string' } }, positionals: { name: 'history to copy from', min: 1 } }, argv)
  if (!cli) return 0
  if (cli.positionals.length > 1) throw usageError('history', `copy takes one history to copy from, got ${cli.positionals.length}`)
  const from = historyLocation(cli.positionals[0]!)
  const to = historyLocation(cli.values.history)
  if (from.shownAs === to.shownAs) throw usageError('history', `copy: ${from.shownAs} is the history it would copy into`, { value: from.shownAs })
  // The whole source is read first: a failed read changes nothing in the target.
  const runs = await withHistory(from, (store) => store.runs())
  const report = await withHistory(to, (store) => copyRuns(runs, store), { write: true })
  console.log(`${from.shownAs} → ${to.shownAs}: ${report.copied} run${report.copied === 1 ? '' : 's'} copied, ${report.already} already there`)
  return 0
}
