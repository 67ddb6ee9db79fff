/** The merge, diff and comment commands, run through the CLI entry point (in process) against files and a loopback "GitHub". */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runCli } from '../helpers/run-cli.js'
import { afterAll, beforeAll, describe, expect, it, onTestFinished, vi } from 'vitest'
import type { Provenance, RunResults } from '../../src/contracts/results.js'
import { passedResult } from '../fixtures/reporters-shared/make-results.js'
import { validateJUnit } from '../report/xmllint.js'
import { PROCESS_TEST_TIMEOUT_MS } from '../timeouts.js'

// Every test here runs whole CLI commands (in process): a deadline against hangs, not a speed check.
vi.setConfig({ testTimeout: PROCESS_TEST_TIMEOUT_MS })

let dir: string
const provenance: Provenance = { tool: { name: 'mlnode-bench', version: '0.1.0' }, date: '2025-02-01T00:00:00.000Z', git: { commit: 'b'.repeat(40), dirty: false } }

function cli(args: string[], env: Record<string, string> = {}) {
  return runCli(args, { MLNODE_BENCH_UPDATE_BASELINE: '', ...env })
}
async function writeRun(name: string, run: RunResults): Promise<string> {
  const path = join(dir, name)
  await writeFile(path, JSON.stringify(run))
  return path
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mlnb-cli-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('mlnode-bench merge', () => {
  it('merges shards and refuses a key present in two files, naming both', async () => {
    const a = await writeRun('a.json', { schemaVersion: 1, provenance, results: [passedResult('m', 'tp4', 'chat')] })
    const b = await writeRun('b.json', { schemaVersion: 1, provenance, results: [passedResult('m', 'tp8', 'chat')] })
    const out = join(dir, 'merged.json')
    const ok = await cli(['merge', a, b, '--out', out])
    expect(ok.exitCode).toBe(0)
    const merged = JSON.parse(await readFile(out, 'utf8')) as RunResults
    expect(merged.results.map((r) => r.variant)).toEqual(['tp4', 'tp8'])

    const dup = await writeRun('c.json', { schemaVersion: 1, provenance, results: [passedResult('m', 'tp8', 'chat', { seed: 3 })] })
    const bad = await cli(['merge', a, b, dup, '--out', out])
    expect(bad.exitCode).toBe(1)
    expect(bad.stderr).toContain(`Duplicate result m › tp8 › chat in ${b} and ${dup}`)
  })

  it('names the file and the field of a malformed results file', async () => {
    const bad = join(dir, 'bad.json')
    await writeFile(bad, JSON.stringify({ schemaVersion: 1, provenance, results: [{ model: 'm', variant: 'v' }] }))
    const r = await cli(['merge', bad, '--out', join(dir, 'x.json')])
    expect(r.exitCode).toBe(1)
    expect(r.stderr).toContain(`Results file ${bad} is not a valid mlnode-bench results file`)
    expect(r.stderr).toContain('results[0] ("m › v › ?"): workload is missing')
  })
})

describe('mlnode-bench diff', () => {
  it('reports a missing baseline, accepts with --update, then exits 1 on a regression with valid JUnit and Markdown', async () => {
    const baseline = join(dir, 'baseline.json')
    const first = await writeRun('run1.json', { schemaVersion: 1, provenance, results: [passedResult('m', 'tp4', 'chat')] })
    const none = await cli(['diff', '--baseline', baseline, '--results', first, '--allow-missing-baseline'])
    expect(none.exitCode).toBe(0)
    expect(none.stdout).toContain(`No baseline yet at ${baseline}: 1 result(s) are new, nothing was gated`)
    const upd = await cli(['diff', '--baseline', baseline, '--results', first, '--update'])
    expect(upd.stdout).toContain(`Baseline ${baseline} created: 0 replaced, 1 added, 0 kept.`)

    const slow = await writeRun('run2.json', { schemaVersion: 1, provenance, results: [passedResult('m', 'tp4', 'chat', { seed: 4, scale: 1.4 })] })
    const md = join(dir, 'summary.md')
    const xml = join(dir, 'junit.xml')
    const r = await cli(['diff', '--baseline', baseline, '--results', slow, '--markdown', md, '--junit', xml])
    expect(r.exitCode).toBe(1)
    expect(r.stdout).toMatch(/REGRESSION m › tp4 › chat \[simulated\]: TTFT p50/)
    await validateJUnit(xml)
    expect(await readFile(xml, 'utf8')).toContain('type="regression"')
    expect(await readFile(md, 'utf8')).toContain('| tp4 | TTFT p50 (ms, sim) |')
  })

  it('stops on a corrupt baseline with the file and the problem', async () => {
    const baseline = join(dir, 'corrupt.json')
    await writeFile(baseline, '{"schemaVersion": 1,')
    const run = await writeRun('run3.json', { schemaVersion: 1, provenance, results: [passedResult('m', 'tp4', 'chat')] })
    const r = await cli(['diff', '--baseline', baseline, '--results', run, '--update'])
    expect(r.exitCode).toBe(1)
    expect(r.stderr).toContain(`Baseline ${baseline} is corrupt: not valid JSON`)
    expect(await readFile(baseline, 'utf8')).toBe('{"schemaVersion": 1,')
  })
})

describe('mlnode-bench comment', () => {
  it('creates the sticky comment, then updates the same one (paginated list); the token never shows', async () => {
    const token = 'ghp_' + 'x1Y2z3'.repeat(6)
    const comments: Array<{ id: number; body: string; html_url: string }> = Array.from({ length: 3 }, (_, i) => ({ id: i + 1, body: `unrelated ${i}`, html_url: `http://x/${i + 1}` }))
    const seen: string[] = []
    const server = createServer((req: IncomingMessage, res: ServerResponse) => {
      let body = ''
      req.on('data', (c) => (body += c))
      req.on('end', () => {
        seen.push(`${req.method} ${req.url}`)
        if (req.headers.authorization !== `Bearer ${token}`) return void res.writeHead(401).end('{"message":"Bad credentials"}')
        const url = new URL(req.url!, 'http://127.0.0.1')
        const send = (status: number, json: unknown, headers: Record<string, string> = {}) => res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(json))
        if (req.method === 'GET' && url.pathname === '/repos/o/r/issues/7/comments') {
          // Two per page to exercise the Link header.
          const page = Number(url.searchParams.get('page') ?? '1')
          const slice = comments.slice((page - 1) * 2, page * 2)
          const more = page * 2 < comments.length
          return send(200, slice, more ? { link: `<http://127.0.0.1:${port}/repos/o/r/issues/7/comments?per_page=2&page=${page + 1}>; rel="next"` } : {})
        }
        if (req.method === 'POST' && url.pathname === '/repos/o/r/issues/7/comments') {
          const c = { id: 100, body: JSON.parse(body).body as string, html_url: 'http://x/100' }
          comments.push(c)
          return send(201, c)
        }
        const m = /^\/repos\/o\/r\/issues\/comments\/(\d+)$/.exec(url.pathname)
        if (req.method === 'PATCH' && m) {
          const c = comments.find((x) => x.id === Number(m[1]))!
          c.body = JSON.parse(body).body
          return send(200, c)
        }
        send(404, { message: 'Not Found' })
      })
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    onTestFinished(() => new Promise<void>((r) => server.close(() => r())))
    const port = (server.address() as AddressInfo).port
    const api = `http://127.0.0.1:${port}`
    const summary = join(dir, 'comment.md')
    await writeFile(summary, '<!-- mlnode-bench:summary -->\n## first\n')

    const created = await cli(['comment', '--summary', summary, '--repo', 'o/r', '--pr', '7', '--api-url', api], { GITHUB_TOKEN: token })
    expect(created.exitCode).toBe(0)
    expect(created.stdout).toBe('PR comment created: http://x/100')
    await writeFile(summary, '<!-- mlnode-bench:summary -->\n## second\n')
    const updated = await cli(['comment', '--summary', summary, '--repo', 'o/r', '--pr', '7', '--api-url', api], { GITHUB_TOKEN: token })
    expect(updated.stdout).toBe('PR comment updated: http://x/100')
    expect(comments.filter((c) => c.body.includes('mlnode-bench:summary'))).toEqual([{ id: 100, body: '<!-- mlnode-bench:summary -->\n## second\n', html_url: 'http://x/100' }])
    expect(seen).toContain('GET /repos/o/r/issues/7/comments?per_page=2&page=2')

    // A rejected token: the error names the call, never the token.
    const denied = await cli(['comment', '--summary', summary, '--repo', 'o/r', '--pr', '7', '--api-url', `http://u:${token}@127.0.0.1:${port}`], { GITHUB_TOKEN: 'ghp_wrongwrongwrongwrongwrong1234' })
    expect(denied.exitCode).toBe(1)
    expect(denied.stderr).toMatch(/GitHub API GET http:\/\/\*\*\*@127\.0\.0\.1:\d+\/repos\/o\/r\/issues\/7\/comments\?per_page=100 answered 401/)
    for (const r of [created, updated, denied]) {
      expect(r.stdout + r.stderr).not.toContain(token)
      expect(r.stdout + r.stderr).not.toContain('ghp_wrongwrong')
    }
  })

  it('names the endpoint when GitHub answers 2xx with a body of the wrong shape', async () => {
    // GET answers an object instead of the list; POST answers a comment without an id.
    let listBody: unknown = { message: 'Moved Permanently' }
    const server = createServer((req: IncomingMessage, res: ServerResponse) => {
      req.resume()
      req.on('end', () => {
        const json = req.method === 'GET' ? listBody : { html_url: 'http://x/1' }
        res.writeHead(req.method === 'GET' ? 200 : 201, { 'content-type': 'application/json' }).end(JSON.stringify(json))
      })
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    onTestFinished(() => new Promise<void>((r) => server.close(() => r())))
    const api = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    const summary = join(dir, 'shape.md')
    await writeFile(summary, '## shape\n')
    const args = ['comment', '--summary', summary, '--repo', 'o/r', '--pr', '7', '--api-url', api]

    const notList = await cli(args, { GITHUB_TOKEN: 'ghp_' + 'q'.repeat(36) })
    expect(notList.exitCode).toBe(1)
    expect(notList.stderr).toBe(
      `mlnode-bench comment: GitHub API GET ${api}/repos/o/r/issues/7/comments?per_page=100 answered 200 but not with a list of comments: the body is an object with keys message`,
    )
    listBody = []
    const noId = await cli(args, { GITHUB_TOKEN: 'ghp_' + 'q'.repeat(36) })
    expect(noId.exitCode).toBe(1)
    expect(noId.stderr).toBe(`mlnode-bench comment: GitHub API POST ${api}/repos/o/r/issues/7/comments answered 201 but not with a comment: the body.id is missing, not a number`)
  })
})
