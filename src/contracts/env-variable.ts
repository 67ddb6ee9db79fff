/** One environment variable the tool reads, as the README's Environment table shows it (src/environment.ts). */
export interface EnvVariable {
  name: string
  /** What applies when it is unset, as a user reads it. */
  default: string
  /** The files (from the repository root) that read it. */
  readers: readonly string[]
  /** What it does; values other than the documented ones are an MLNB_CONFIG error unless said otherwise. */
  effect: string
}
