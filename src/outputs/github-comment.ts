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
  const visited = new Set<string>()
  while (next) {
    // A Link header that loops (or never ends) must not keep the command busy forever.
    if (visited.has(next) || visited.size >= MAX_PAGES) {
      throw new MlnodeBenchError('MLNB_GITHUB_BAD_BODY', `GitHub API GET ${redact(next)}: pagination ${visited.has(next) ? 'loops back to a page already read' : `goes past ${MAX_PAGES} pages`}; refusing to follow`)
    }
    visited.add(next)
    const page: GithubResponse = await call('GET', next)
    const ours = commentList(page).find((c) => typeof c.body === 'string' && c.body.includes(options.marker))
    if (ours) {
      const updated = commentOf(await call('PATCH', `${api}/repos/${options.repo}/issues/comments/${ours.id}`, { body: options.body }))
      return { action: 'updated', id: updated.id, url: updated.html_url }
    }
    next = nextPage(page, api)
  }
  const created = commentOf(await call('POST', `${api}/repos/${options.repo}/issues/${options.pr}/comments`, { body: options.body }))
  return { action: 'created', id: created.id, url: created.html_url }
}

/** The absolute URL of the next list page, if any; never on another origin than the API's. */
function nextPage(page: GithubResponse, api: string): string | undefined {
  const link = nextLink(page.link)
  if (link === undefined) return undefined
  if (!URL.canParse(link, api)) throw new MlnodeBenchError('MLNB_GITHUB_BAD_BODY', `GitHub API ${page.where}: the Link header's next page ${JSON.stringify(redact(link))} is not a URL`)
  const url = new URL(link, api)
  // Never send the token to another origin than the API's.
  if (url.origin !== new URL(api).origin) throw new MlnodeBenchError('MLNB_REPORT', `GitHub API pagination pointed to another origin (${redact(link)}): refusing to follow`)
  return url.href
}

/** 100 pages of 100 comments: far beyond any real PR. */
const MAX_PAGES = 100

interface Comment {
  id: number
  body?: string
  html_url: string
}

function badBody(response: GithubResponse, expected: string, problem: string): MlnodeBenchError {
  return new MlnodeBenchError('MLNB_GITHUB_BAD_BODY', `GitHub API ${response.where} answered ${response.status} but not with ${expected}: ${problem}`, {
    details: { endpoint: response.where, status: response.status },
  })
}

function shapeOf(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'a list'
  if (typeof value === 'object') return `an object with keys ${Object.keys(value).slice(0, 5).join(', ') || '(none)'}`
  return `a ${typeof value}`
}

/** Checks one comment object (id and html_url are all this module relies on). */
function asComment(response: GithubResponse, value: unknown, expected: string, where: string): Comment {
  const c = value as Partial<Record<keyof Comment, unknown>> | null
  if (typeof c !== 'object' || c === null || Array.isArray(c)) throw badBody(response, expected, `${where} is ${shapeOf(value)}`)
  if (typeof c.id !== 'number' || !Number.isSafeInteger(c.id)) throw badBody(response, expected, `${where}.id is ${JSON.stringify(c.id) ?? 'missing'}, not a number`)
  if (typeof c.html_url !== 'string') throw badBody(response, expected, `${where}.html_url is ${JSON.stringify(c.html_url) ?? 'missing'}, not a string`)
  if (c.body !== undefined && c.body !== null && typeof c.body !== 'string') throw badBody(response, expected, `${where}.body is not a string`)
  return { id: c.id, html_url: c.html_url, ...(typeof c.body === 'string' ? { body: c.body } : {}) }
}

/** The comments of a list page. @throws MLNB_GITHUB_BAD_BODY naming the endpoint. */
function commentList(response: GithubResponse): Comment[] {
  const expected = 'a list of comments'
  if (!Array.isArray(response.json)) throw badBody(response, expected, `the body is ${shapeOf(response.json)}`)
  return response.json.map((c, i) => asComment(response, c, expected, `item [${i}]`))
}

/** The comment a POST or PATCH answered with. @throws MLNB_GITHUB_BAD_BODY naming the endpoint. */
function commentOf(response: GithubResponse): Comment {
  return asComment(response, response.json, 'a comment', 'the body')
}

interface GithubResponse {
  json: unknown
  link?: string
  /** "METHOD url" with credentials removed, for messages. */
  where: string
  status: number
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
  return { json, where, status: res.statusCode, ...(typeof link === 'string' ? { link } : {}) }
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
