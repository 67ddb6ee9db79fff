/**
 * Every environment variable mlnode-bench reads, in one table: its default, the files that read
 * it and what it does. A target kind declares its own variables (`TargetKind.environment`, in its
 * file under src/run/targets), so a new kind documents itself. The README's "Environment" table is
 * rendered from this one (`renderEnvironmentTable`), and test/environment.test.ts fails when a file
 * reads a variable the table lacks, when a listed reader no longer names it, or when the README
 * drifts. Internal variables (set by mlnode-bench for its own children) are listed apart.
 */
import type { EnvVariable } from './contracts/env-variable.js'
import { TARGET_KINDS } from './run/targets/registry.js'


/** Variables of the run as a whole (each target kind adds its own). */
export const COMMON_ENVIRONMENT = [
  { name: 'MLNODE_BENCH_TARGET', default: '`mlnode` when `MLNODE_URL` is set, else `sim`', readers: ['src/run/targets/registry.ts'], effect: 'the target kind: one registered in src/run/targets/registry.ts (`mlnode`, `sim`, `openai`, `vllm`)' },
  { name: 'MLNODE_BENCH_UPDATE_BASELINE', default: 'off', readers: ['src/run/env-options.ts', 'reporters/baseline.ts', 'reporters/analysis.ts'], effect: '`1`: accept this run as the baseline (`0` or unset: off; any other value is an error, not a silent "off")' },
  { name: 'MLNODE_BENCH_ALLOW_WATCH', default: 'off', readers: ['src/run/watch.ts', 'src/run/env-options.ts'], effect: '`1`: watch mode may deploy to real GPUs and write the baseline (`0` or unset: off; other values are an error)' },
  { name: 'MLNODE_BENCH_REPEATS', default: "the suite's `repeats` (1)", readers: ['src/run/env-options.ts', 'src/run/measure-repeats.ts'], effect: 'measure every workload N times, folded into their median with their spread (docs/gate.md); a whole number ≥ 1; wins over the suite option `repeats`' },
  { name: 'MLNODE_BENCH_REDEPLOY_REPEATS', default: "the suite's `redeployBetweenRepeats` (off)", readers: ['src/run/env-options.ts', 'src/run/measure-repeats.ts'], effect: '`1`: redeploy the variant between repeats, so the spread includes deploy-to-deploy noise (`0` or unset: as the suite says)' },
  { name: 'MLNODE_BENCH_PROGRESS_S', default: '10', readers: ['src/run/env-options.ts', 'src/run/progress.ts'], effect: 'seconds between progress lines of a long workload, `predict` or `plan` when the output is not a terminal (0 = off; a terminal gets one line redrawn each second, or at this interval when shorter; not a number ≥ 0 is an error)' },
  { name: 'MLNODE_BENCH_LOAD_WORKERS', default: '`auto` (by cores and expected chunk rate)', readers: ['src/load/worker-count.ts'], effect: 'worker threads of the load client: `auto` or a number; `0` = main thread' },
  { name: 'MLNODE_BENCH_LOAD_WORKER_IMPORT', default: 'none', readers: ['src/load/load-workers.ts'], effect: 'a module each load worker thread imports first (instrumentation, e.g. diagnostics-channel subscribers; `bench:overhead` uses it)' },
  { name: 'MLNODE_BENCH_CALIBRATION', default: 'none', readers: ['src/run/suite-calibration.ts'], effect: "calibration file (`mlnode-bench calibrate`) the embedded simulator, and the predictions shown beside real measurements, use for the GPUs it was fitted on; a suite's `calibration` option wins" },
  { name: 'MLNODE_BENCH_HARDWARE', default: 'the GPU catalog', readers: ['src/run/suite-hardware.ts'], effect: "hardware file (docs/hardware.md) real GPUs are matched against when the catalog lacks them; a suite's `hardware` file wins" },
  { name: 'MLNODE_BENCH_CHAIN_URL', default: 'none (the registry snapshot)', readers: ['src/network/fetch.ts', 'src/network/live-registry.ts'], effect: "a Gonka node's REST root: `networkModel` suites and `mlnode-bench models` read the live model registry there" },
  { name: 'MLNODE_BENCH_CHAIN_TIMEOUT_MS', default: '10000', readers: ['src/network/live-registry.ts'], effect: 'bound on each request to `MLNODE_BENCH_CHAIN_URL`, ms' },
  { name: 'MLNODE_BENCH_HISTORY_URL', default: 'none (`.mlnode-bench/history.sqlite`)', readers: ['src/history/location.ts'], effect: '`postgres://user:password@host:5432/db`: the run history lives in that PostgreSQL database, shared by a team (docs/history.md); an explicit `--history` (or the reporter\'s `historyFile`) wins; any other URL is `MLNB_CONFIG` (the password is never printed)' },
  { name: 'INFERENCE_URL', default: "against an MLNode: its own `/v1` proxy on `MLNODE_URL`", readers: ['src/run/targets/mlnode.ts', 'src/run/targets/openai.ts', 'src/cli/commands/validation.ts'], effect: 'OpenAI API root without `/v1`: the `openai` target\'s server (required there), or where an MLNode\'s inference is reached' },
  { name: 'MLNODE_BENCH_API_KEY_ENV', default: '`OPENAI_API_KEY`', readers: ['src/run/targets/openai.ts', 'src/outputs/secrets.ts', 'src/cli/commands/validation.ts'], effect: 'the name of the variable holding the API key of the `openai` target and `mlnode-bench validation`' },
  { name: 'OPENAI_API_KEY', default: 'none (no `authorization` header)', readers: ['src/run/targets/openai.ts', 'src/outputs/secrets.ts', 'src/cli/commands/validation.ts'], effect: 'API key sent as `authorization: Bearer …` (never printed; scrubbed from every output)' },
  { name: 'GITHUB_TOKEN', default: 'none', readers: ['src/cli/commands/comment.ts'], effect: 'token of `mlnode-bench comment` (never printed)' },
  { name: 'GITHUB_API_URL', default: '`https://api.github.com`', readers: ['src/cli/commands/comment.ts'], effect: 'GitHub API root of `mlnode-bench comment` (set by GitHub Actions, also on GitHub Enterprise Server; `--api-url` wins)' },
  { name: 'FORCE_TTY', default: 'off', readers: ['src/run/progress.ts'], effect: '`true`: progress is drawn as on a terminal even when the output is not one' },
  { name: 'TERM', default: '—', readers: ['src/run/progress.ts'], effect: '`dumb`: plain progress lines, never a redrawn one' },
] as const satisfies readonly EnvVariable[]

/** Set by mlnode-bench for its own child processes, never by a user. */
export const INTERNAL_ENVIRONMENT: readonly string[] = ['MLNB_DOWN_URL', 'MLNB_POC_STOP_URL', 'MLNB_DOWN_AUTH', 'MLNB_DOWN_TIMEOUT_MS']

/** Every variable: the run's, then each registered target kind's, in registration order. */
export function environmentTable(): EnvVariable[] {
  const seen = new Set<string>()
  const all: EnvVariable[] = []
  for (const v of [...COMMON_ENVIRONMENT, ...TARGET_KINDS.flatMap((k) => k.environment ?? [])]) {
    if (seen.has(v.name)) continue
    seen.add(v.name)
    all.push(v)
  }
  return all
}

/** The README's table. */
export function renderEnvironmentTable(): string {
  const cell = (text: string) => text.replaceAll('|', '\\|')
  const kindOf = new Map(TARGET_KINDS.flatMap((k) => (k.environment ?? []).map((v) => [v.name, k.name] as const)))
  const rows = environmentTable().map((v) => `| \`${v.name}\` | ${cell(v.effect)}${kindOf.has(v.name) ? ` (target \`${kindOf.get(v.name)}\`)` : ''} | ${cell(v.default)} | ${v.readers.map((r) => `\`${r}\``).join(', ')} |`)
  return ['| Variable | Effect | Default | Read by |', '|---|---|---|---|', ...rows].join('\n')
}
