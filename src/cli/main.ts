import { readdir } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { hasCode, isMlnodeBenchError } from '../errors.js'
import type { CommandModule } from './command.js'
import { scrubConsole } from '../outputs/secrets.js'

const commandsDir = new URL('./commands/', import.meta.url)

/** Subcommands are the files of src/cli/commands/ (sim, predict, merge, diff, comment…). */
async function listCommands(): Promise<string[]> {
  const files = await readdir(fileURLToPath(commandsDir))
  return files
    .filter((f) => /\.(ts|js)$/.test(f) && !f.endsWith('.d.ts') && !f.includes('.test.'))
    .map((f) => f.replace(/\.(ts|js)$/, ''))
    .sort()
}

async function loadCommand(name: string): Promise<CommandModule> {
  const ext = import.meta.url.endsWith('.ts') ? 'ts' : 'js'
  return (await import(new URL(`${name}.${ext}`, commandsDir).href)) as CommandModule
}

async function usage(): Promise<string> {
  const names = await listCommands()
  const lines = await Promise.all(names.map(async (n) => `  ${n.padEnd(11)}${(await loadCommand(n)).summary}`))
  return ['Usage: mlnode-bench <command> [options]', '', 'Commands:', ...lines, '', 'Run `mlnode-bench <command> --help` for its options.'].join('\n')
}

/** Entry point of the `mlnode-bench` binary; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  // The command's prints leave the process here: scrubbed of every secret it knows.
  const restoreConsole = scrubConsole()
  try {
    return await runCommand(argv)
  } finally {
    restoreConsole()
  }
}

async function runCommand(argv: string[]): Promise<number> {
  const [name, ...rest] = argv
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(await usage())
    return name === undefined ? 2 : 0
  }
  if (!(await listCommands()).includes(name)) {
    console.error(`mlnode-bench: unknown command "${name}"\n\n${await usage()}`)
    return 2
  }
  try {
    return await (await loadCommand(name)).run(rest)
  } catch (error) {
    console.error(`mlnode-bench ${name}: ${describeFailure(error)}`)
    return hasCode(error, 'MLNB_USAGE') ? 2 : 1
  }
}

/**
 * Our errors already name file, option and value: the message alone, no stack. So do system
 * errors (ENOSPC, EACCES…), which name their path. Anything else is a bug: keep its stack.
 */
function describeFailure(error: unknown): string {
  if (isMlnodeBenchError(error)) return error.message
  const e = error as { code?: unknown; syscall?: unknown; message?: unknown; stack?: unknown }
  if (typeof e?.code === 'string' && typeof e.syscall === 'string' && typeof e.message === 'string') return e.message
  return `internal error (please report it with this trace): ${String(e?.stack ?? error)}`
}

// `tsx src/cli/main.ts …` (tests, development) runs the same entry point as bin/mlnode-bench.js.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.exitCode = await main(process.argv.slice(2))
}
