/**
 * Watch mode guard. `vitest bench` without `--run` watches files: every save would redeploy
 * every variant on a real MLNode (and with MLNODE_BENCH_UPDATE_BASELINE=1 rewrite the baseline).
 * Both need an explicit yes; the embedded simulator may run in watch mode.
 */
import { MlnodeBenchError, redact } from '../errors.js'

/** The environment variable that allows watch mode to deploy and to write the baseline. */
export const ALLOW_WATCH_ENV = 'MLNODE_BENCH_ALLOW_WATCH'

/** True when the environment allows watch mode to deploy and write the baseline. */
export function watchAllowed(env: NodeJS.ProcessEnv = process.env): boolean {
  return env[ALLOW_WATCH_ENV] === '1'
}

/** The error a suite file fails with when watch mode would deploy to a real MLNode. */
export function watchDeployError(suiteFile: string, mgmtUrl: string): MlnodeBenchError {
  return new MlnodeBenchError(
    'MLNB_WATCH',
    `${suiteFile}: vitest is in watch mode and the target is the MLNode at ${redact(mgmtUrl)}: every file save would redeploy every variant, so nothing was deployed. ` +
      `Run \`vitest bench --run\`, or set ${ALLOW_WATCH_ENV}=1 (or the suite option allowWatch: true) to deploy in watch mode.`,
    { details: { file: suiteFile, field: 'watch', value: true } },
  )
}

/** Why a baseline update is refused in watch mode. */
export function watchBaselineMessage(baselineFile: string): string {
  return `baseline ${baselineFile} NOT updated: vitest is in watch mode, where every file save would rewrite it. Run \`vitest bench --run\` with MLNODE_BENCH_UPDATE_BASELINE=1, or set ${ALLOW_WATCH_ENV}=1.`
}
