/** `mlnode-bench comment --summary <md> --repo owner/name --pr N [--api-url URL]`: sticky PR comment. */
import { readFile } from 'node:fs/promises'
import { parseArgs } from 'node:util'
import { MlnodeBenchError } from '../../errors.js'
import { upsertStickyComment } from '../../report/github-comment.js'
import { STICKY_MARKER } from '../../report/markdown.js'

export const summary = 'create or update the one sticky PR comment with a Markdown summary (token: GITHUB_TOKEN)'

const USAGE = `Usage: mlnode-bench comment --summary <summary.md> --repo <owner/name> --pr <number>
                            [--api-url https://api.github.com]

The token is read from the GITHUB_TOKEN environment variable and never printed.
GITHUB_API_URL (set by GitHub Actions, also on GHES) is the default API URL.`

export async function run(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      summary: { type: 'string' },
      repo: { type: 'string' },
      pr: { type: 'string' },
      'api-url': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  })
  if (values.help) {
    console.log(USAGE)
    return 0
  }
  if (!values.summary || !values.repo || !values.pr) throw new MlnodeBenchError('MLNB_CLI', `comment needs --summary, --repo and --pr\n\n${USAGE}`)
  const token = process.env.GITHUB_TOKEN
  if (!token) throw new MlnodeBenchError('MLNB_CLI', 'GITHUB_TOKEN is not set: cannot post the PR comment')
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
    pr: Number(values.pr),
    body,
    token,
    marker: STICKY_MARKER,
    apiUrl: values['api-url'] ?? process.env.GITHUB_API_URL ?? 'https://api.github.com',
  })
  console.log(`PR comment ${result.action}: ${result.url}`)
  return 0
}
