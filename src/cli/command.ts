/** A subcommand of `mlnode-bench`: one file in src/cli/commands/ exporting these two names. */
export interface CommandModule {
  /** One line for `mlnode-bench --help`. */
  summary: string
  /** Runs the command; resolves to the process exit code. Prints its own usage on `--help`. */
  run(argv: string[]): Promise<number>
}
