/**
 * `mlnode-bench sim`: runs the embedded MLNode + vLLM simulator in the foreground. Prints exactly
 * one line when ready — `mlnode: http://127.0.0.1:<P> inference: http://127.0.0.1:<Q>` — and
 * stops cleanly on SIGINT/SIGTERM.
 */
import { MlnodeBenchError } from '../../errors.js'
import { createVariantResolver, startSimulator } from '../../sim/index.js'
import { hardwareOption } from '../catalog-options.js'
import { calibrationOption } from '../planning/box-options.js'
import { parseCommandLine } from '../parse-options.js'

export const summary = 'Run the embedded MLNode + vLLM simulator (management + OpenAI ports)'

const USAGE = `Usage: mlnode-bench sim [options]

Options:
  --hardware <id>         hardware profile (default 8xrtx-4070-ti-super)
  --speed <K>             pace events on a wall clock K times faster than real time, for
                          watching a demo; without it the simulator runs on simulated time
                          (deterministic, as fast as the machine allows: what bench runs need)
  --noise-cv <x>          seeded noise on every engine step, coefficient of variation (default 0)
  --run-noise <x>         seeded run-level noise: a factor per GPU and per replica drawn at each
                          deploy, coefficient of variation (default 0; docs/gate.md)
  --mgmt-port <P>         management API port, 0 = any free port (default 0)
  --inference-port <Q>    OpenAI API port, 0 = any free port (default 0)
  --host <addr>           listen address (default 127.0.0.1)
  --seed <n>              seed of EOS draws and output words (default 0)
  --startup-s <s>         simulated replica start-up time (default 45)
  --calibration <file>    model constants fitted by \`mlnode-bench calibrate\` for this box
  --verbose               print MLNode-style log lines to stderr
  -h, --help              show this help

Environment: MLNODE_SIM_SLOWDOWN=<x> multiplies every step cost and start-up time.

With --speed, GET <mlnode>/health reports simulator.lateness (cumulative counters); the difference
of two snapshots around a workload gives its pacing error (driftMs: stalls the clock absorbed by
shifting simulated time; keep streams x K / ITL under ~4k chunks/s on a 2-core box). A bench run
accepts a wall-clock simulator only at --speed 1.`

/** Entry point of `mlnode-bench sim`. */
export async function run(argv: string[]): Promise<number> {
  const cli = parseCommandLine(
    {
      command: 'sim',
      usage: USAGE,
      options: {
        hardware: { type: 'string' },
        speed: { type: 'number', above: 0 },
        'noise-cv': { type: 'number', min: 0, below: 1 },
        'run-noise': { type: 'number', min: 0, below: 1 },
        'mgmt-port': { type: 'port' },
        'inference-port': { type: 'port' },
        host: { type: 'string' },
        seed: { type: 'integer', min: 0 },
        'startup-s': { type: 'number', min: 0 },
        verbose: { type: 'boolean' },
        calibration: { type: 'string' },
      },
    },
    argv,
  )
  if (!cli) return 0
  const { values } = cli
  const hardware = hardwareOption('sim', values.hardware)
  const constants = await calibrationOption(values.calibration, hardware)
  let sim
  try {
    sim = await startSimulator({
      hardware: values.hardware,
      // Simulated time unless a wall-clock pace is asked for.
      clock: values.speed === undefined ? 'virtual' : 'wall',
      speed: values.speed,
      noiseCv: values['noise-cv'],
      runNoise: values['run-noise'],
      mgmtPort: values['mgmt-port'],
      inferencePort: values['inference-port'],
      host: values.host,
      seed: values.seed,
      startupS: values['startup-s'],
      ...(constants === undefined ? {} : { resolveVariant: createVariantResolver(constants) }),
      log: values.verbose ? (line) => console.error(`[mlnode-sim] ${line}`) : undefined,
    })
  } catch (error) {
    throw listenError(error, values)
  }
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

/** A socket error of listen() (port taken, no permission, unknown host) named by its options. */
function listenError(error: unknown, values: { host?: string | undefined; 'mgmt-port'?: number | undefined; 'inference-port'?: number | undefined }): unknown {
  const e = error as { code?: unknown; syscall?: unknown; port?: unknown; message?: string }
  if (typeof e?.code !== 'string' || (e.syscall !== 'listen' && e.syscall !== 'getaddrinfo' && e.syscall !== 'bind')) return error
  const host = values.host ?? '127.0.0.1'
  const port = typeof e.port === 'number' ? e.port : undefined
  const option = port === undefined ? '--host' : port === values['inference-port'] ? '--inference-port' : '--mgmt-port'
  const hint =
    e.code === 'EADDRINUSE' ? 'the port is taken: pick another or 0 for any free port'
    : e.code === 'EACCES' ? 'no permission: ports below 1024 need privileges, use 0 for any free port'
    : e.code === 'ENOTFOUND' || e.code === 'EADDRNOTAVAIL' || e.code === 'EAI_AGAIN' ? "not an address of this machine: use 127.0.0.1, or 0.0.0.0 for every interface"
    : e.message ?? e.code
  return new MlnodeBenchError('MLNB_SIM', `cannot listen on ${host}${port === undefined ? '' : `:${port}`} (${option}): ${hint} [${e.code}]`, {
    cause: error,
    details: { option, host, ...(port === undefined ? {} : { port }), code: e.code },
  })
}
