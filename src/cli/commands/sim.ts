/**
 * `mlnode-bench sim`: runs the embedded MLNode + vLLM simulator in the foreground. Prints exactly
 * one line when ready — `mlnode: http://127.0.0.1:<P> inference: http://127.0.0.1:<Q>` — and
 * stops cleanly on SIGINT/SIGTERM.
 */
import { parseArgs } from 'node:util'
import { MlnodeBenchError } from '../../errors.js'
import { startSimulator } from '../../sim/index.js'

export const summary = 'Run the embedded MLNode + vLLM simulator (management + OpenAI ports)'

const USAGE = `Usage: mlnode-bench sim [options]

Options:
  --hardware <id>         hardware profile (default 8xrtx-4070-ti-super)
  --speed <K>             run K times faster than real time; measured times map back as
                          simulated = measured x K (default 1)
  --mgmt-port <P>         management API port, 0 = any free port (default 0)
  --inference-port <Q>    OpenAI API port, 0 = any free port (default 0)
  --host <addr>           listen address (default 127.0.0.1)
  --seed <n>              seed of EOS draws and output words (default 0)
  --startup-s <s>         simulated replica start-up time (default 45)
  --verbose               print MLNode-style log lines to stderr
  -h, --help              show this help

Environment: MLNODE_SIM_SLOWDOWN=<x> multiplies every step cost and start-up time.

Pacing: GET <mlnode>/health reports simulator.lateness (cumulative counters); the difference of
two snapshots around a workload gives its pacing error (driftMs: stalls the clock absorbed by
shifting simulated time; keep streams x K / ITL under ~4k chunks/s on a 2-core box).`

function numberOption(name: string, raw: string | undefined, integer: boolean): number | undefined {
  if (raw === undefined) return undefined
  const value = Number(raw)
  if (raw.trim() === '' || !Number.isFinite(value) || value < 0 || (integer && !Number.isInteger(value))) {
    throw new MlnodeBenchError('MLNB_CLI', `--${name} must be a ${integer ? 'non-negative integer' : 'number >= 0'}, got "${raw}"`, { details: { option: name, value: raw } })
  }
  return value
}

export async function run(argv: string[]): Promise<number> {
  let values
  try {
    ;({ values } = parseArgs({
      args: argv,
      options: {
        hardware: { type: 'string' },
        speed: { type: 'string' },
        'mgmt-port': { type: 'string' },
        'inference-port': { type: 'string' },
        host: { type: 'string' },
        seed: { type: 'string' },
        'startup-s': { type: 'string' },
        verbose: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }))
  } catch (error) {
    console.error(`mlnode-bench sim: ${(error as Error).message}\n\n${USAGE}`)
    return 2
  }
  if (values.help) {
    console.log(USAGE)
    return 0
  }
  const speed = numberOption('speed', values.speed, false)
  if (speed === 0) throw new MlnodeBenchError('MLNB_CLI', '--speed must be > 0, got "0"', { details: { option: 'speed', value: values.speed } })
  const sim = await startSimulator({
    hardware: values.hardware,
    speed,
    mgmtPort: numberOption('mgmt-port', values['mgmt-port'], true),
    inferencePort: numberOption('inference-port', values['inference-port'], true),
    host: values.host,
    seed: numberOption('seed', values.seed, true),
    startupS: numberOption('startup-s', values['startup-s'], false),
    log: values.verbose ? (line) => console.error(`[mlnode-sim] ${line}`) : undefined,
  })
  console.log(`mlnode: ${sim.mgmtUrl} inference: ${sim.inferenceUrl}`)
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop)
      process.off('SIGTERM', stop)
      resolve()
    }
    process.on('SIGINT', stop)
    process.on('SIGTERM', stop)
  })
  await sim.close()
  return 0
}
