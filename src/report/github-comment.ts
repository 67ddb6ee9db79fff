/**
 * Creates or updates ONE sticky PR comment through the GitHub REST API (undici). The comment is
 * found by a hidden marker; list pages are followed through the Link header. The token is sent
 * only in the Authorization header and removed from every message.
 * API: https://docs.github.com/rest/issues/comments
 */
import { request } from 'undici'
import { MlnodeBenchError, redact } from '../errors.js'

export interface StickyCommentOptions {
  /** "owner/name". */
  repo: string
  pr: number
  body: string
  token: string
  /** Marker that identifies our comment; must be in `body`. */
  marker: string
  /** @default 'https://api.github.com' */
  apiUrl?: string
  /** Per-request timeout. @default 30_000 */
  timeoutMs?: number
}

export interface StickyCommentResult {
  action: 'created' | 'updated'
  id: number
  url: string
}

/** Creates the comment, or updates the existing one carrying `marker`. */
export async function upsertStickyComment(options: StickyCommentOptions): Promise<StickyCommentResult> {
  if (!/^[\w.-]+\/[\w.-]+$/.test(options.repo)) throw new MlnodeBenchError('MLNB_CLI', `--repo must be owner/name, got "${options.repo}"`)
  if (!Number.isInteger(options.pr) || options.pr <= 0) throw new MlnodeBenchError('MLNB_CLI', `--pr must be a positive pull request number, got "${options.pr}"`)
  if (!options.body.includes(options.marker)) throw new MlnodeBenchError('MLNB_CLI', `The comment body lacks the marker ${options.marker}: the comment could never be found again`)
  const api = (options.apiUrl ?? 'https://api.github.com').replace(/\/+$/, '')
  const call = (method: 'GET' | 'POST' | 'PATCH', url: string, body?: unknown) => githubCall(method, url, options.token, options.timeoutMs ?? 30_000, body)

  let next: string | undefined = `${api}/repos/${options.repo}/issues/${options.pr}/comments?per_page=100`
  while (next) {
    const page: GithubResponse = await call('GET', next)
    const comments = page.json as Array<{ id: number; body?: string; html_url: string }>
    const ours = comments.find((c) => typeof c.body === 'string' && c.body.includes(options.marker))
    if (ours) {
      const updated = (await call('PATCH', `${api}/repos/${options.repo}/issues/comments/${ours.id}`, { body: options.body })).json as { id: number; html_url: string }
      return { action: 'updated', id: updated.id, url: updated.html_url }
    }
    next = nextLink(page.link)
    // Never send the token to another origin than the API's.
    if (next && new URL(next).origin !== new URL(api).origin) throw new MlnodeBenchError('MLNB_REPORT', `GitHub API pagination pointed to another origin (${redact(next)}): refusing to follow`)
  }
  const created = (await call('POST', `${api}/repos/${options.repo}/issues/${options.pr}/comments`, { body: options.body })).json as { id: number; html_url: string }
  return { action: 'created', id: created.id, url: created.html_url }
}

interface GithubResponse {
  json: unknown
  link?: string
}

async function githubCall(method: string, url: string, token: string, timeoutMs: number, body?: unknown): Promise<GithubResponse> {
  const hide = (text: string) => redact(token ? text.split(token).join('***') : text)
  const where = `${method} ${hide(url)}`
  let res
  try {
    res = await request(url, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        accept: 'application/vnd.github+json',
        'x-github-api-version': '2022-11-28',
        'user-agent': 'mlnode-bench',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    })
  } catch (cause) {
    throw new MlnodeBenchError('MLNB_REPORT', `GitHub API ${where} failed: ${hide((cause as Error).message)}`)
  }
  const text = await res.body.text()
  if (res.statusCode < 200 || res.statusCode >= 300) {
    throw new MlnodeBenchError('MLNB_REPORT', `GitHub API ${where} answered ${res.statusCode}: ${hide(text.slice(0, 300))}`, { details: { status: res.statusCode } })
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    throw new MlnodeBenchError('MLNB_REPORT', `GitHub API ${where} answered ${res.statusCode} with a body that is not JSON`)
  }
  const link = res.headers.link
  return { json, ...(typeof link === 'string' ? { link } : {}) }
}

/** The rel="next" URL of a Link header, if any. */
export function nextLink(link: string | undefined): string | undefined {
  if (!link) return undefined
  for (const part of link.split(',')) {
    const m = /<([^>]+)>\s*;\s*rel="?next"?/.exec(part)
    if (m) return m[1]
  }
  return undefined
}
