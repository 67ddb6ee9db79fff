/** `mlnode-bench comment --summary <md> --repo owner/name --pr N [--api-url URL]`: sticky PR comment. */
import { readFile } from 'node:fs/promises'
import { MlnodeBenchError, redact } from '../../errors.js'
import { upsertStickyComment } from '../../outputs/github-comment.js'
import { STICKY_MARKER } from '../../report/markdown.js'
import { parseCommandLine, usageError } from '../parse-options.js'

export const summary = 'create or update the one sticky PR comment with a Markdown summary (token: GITHUB_TOKEN)'

const USAGE = `Usage: mlnode-bench comment --summary <summary.md> --repo <owner/name> --pr <number>
                            [--api-url https://api.github.com]

The token is read from the GITHUB_TOKEN environment variable and never printed.
GITHUB_API_URL (set by GitHub Actions, also on GHES) is the default API URL.`

/** Entry point of `mlnode-bench comment`. */
export async function run(argv: string[]): Promise<number> {
  const cli = parseCommandLine(
    {
      command: 'comment',
      usage: USAGE,
      options: {
        summary: { type: 'string', required: true },
        repo: { type: 'string', required: true },
        pr: { type: 'integer', required: true, min: 1 },
        'api-url': { type: 'string' },
      },
    },
    argv,
  )
  if (!cli) return 0
  const { values } = cli
  if (!/^[\w.-]+\/[\w.-]+$/.test(values.repo)) throw usageError('comment', `--repo must be owner/name, got "${values.repo}"`, { option: 'repo', value: values.repo })
  const apiUrl = values['api-url'] ?? process.env.GITHUB_API_URL ?? 'https://api.github.com'
  if (!URL.canParse(apiUrl) || !/^https?:$/.test(new URL(apiUrl).protocol)) {
    const option = values['api-url'] === undefined ? 'GITHUB_API_URL' : '--api-url'
    throw usageError('comment', `${option} must be an http(s) URL, got "${redact(apiUrl)}"`, { option })
  }
  const token = process.env.GITHUB_TOKEN
  if (!token) throw usageError('comment', 'GITHUB_TOKEN is not set: cannot post the PR comment (export it; it is never printed)', { env: 'GITHUB_TOKEN' })
  let body: string
  try {
    body = await readFile(values.summary, 'utf8')
  } catch (cause) {
    throw new MlnodeBenchError('MLNB_CLI', `Summary ${values.summary} cannot be read: ${(cause as Error).message}`, { cause })
  }
  if (!body.includes(STICKY_MARKER)) body = `${STICKY_MARKER}\n${body}`
  // GitHub rejects comment bodies over 65 536 characters.
  if (body.length > 65_000) body = `${body.slice(0, 64_000)}\n\n… summary truncated (${body.length} characters); the full file is in the run's artifacts.\n`
  const result = await upsertStickyComment({
    repo: values.repo,
    pr: values.pr,
    body,
    token,
    marker: STICKY_MARKER,
    apiUrl,
  })
  console.log(`PR comment ${result.action}: ${result.url}`)
  return 0
}
