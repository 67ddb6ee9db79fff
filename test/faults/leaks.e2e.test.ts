/**
 * Leaks: an inference server that echoes the API key in its error body, and an MLNode that echoes
 * the Basic auth header of MLNODE_URL's credentials, must not get either secret, in any form,
 * into a file the run writes or onto the console (src/outputs/secrets.ts is the boundary).
 */
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { execa } from 'execa'
import { expect, it, onTestFinished } from 'vitest'
import { startHttp } from '../load/helpers/server.js'
import { CHILD_TIMEOUT_MS, PROCESS_TEST_TIMEOUT_MS } from '../timeouts.js'
import { outputFiles, repo, runFixture, tsxCli } from './run-fixture.js'

// '/', '+' and '=' change under URL encoding; long enough for every base64 alignment.
const KEY = 'sk-live/Zx9+q=7Kd3mP0wRtYvB'
const USER = 'bench'
const PASSWORD = 'pa/ss+W0rd=Kq8zLm'

/** The forms a server may echo a secret in. */
function forms(secret: string): string[] {
  return [secret, encodeURIComponent(secret), Buffer.from(secret).toString('base64').replace(/=+$/, '')]
}

function expectNowhere(texts: Map<string, string>, secrets: string[]): void {
  for (const [name, text] of texts) for (const s of secrets) expect(text.includes(s), `${s} found in ${name}`).toBe(false)
}

async function stopAfterTest<T extends { close(): Promise<void> }>(server: T): Promise<T> {
  onTestFinished(() => server.close())
  return server
}

it('an API key echoed in an error body reaches no output file, no console line and no diff --junit', async () => {
  const server = await stopAfterTest(
    await startHttp((req, res) => {
      const key = String(req.headers.authorization ?? '').replace(/^Bearer /, '')
      const echoed = `Incorrect API key provided: ${key}; as sent: ${encodeURIComponent(key)}; header ${Buffer.from(key).toString('base64')}`
      res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: echoed } }))
    }),
  )
  const run = await runFixture({ MLNODE_BENCH_TARGET: 'openai', INFERENCE_URL: server.url, OPENAI_API_KEY: KEY })
  expect(run.exitCode, run.output).toBe(1)
  const files = await outputFiles(run.out)
  expect([...files.keys()]).toEqual(expect.arrayContaining(['results.json', 'junit.xml', 'summary.md', 'history.sqlite']))
  // The failure is still told: the server's message, with the key masked.
  expect(files.get('results.json')).toMatch(/Incorrect API key provided: \*\*\*/)
  expectNowhere(files, forms(KEY))
  expectNowhere(new Map([['console', run.output]]), forms(KEY))

  // diff --junit on a results file that carries the key (written by an older version): scrubbed too.
  const results = join(run.out, 'results.json')
  await writeFile(results, (await readFile(results, 'utf8')).replace('Incorrect API key provided: ***', `Incorrect API key provided: ${KEY}`))
  const junit = join(run.out, 'diff-junit.xml')
  const diff = await execa(process.execPath, [tsxCli, 'src/cli/main.ts', 'diff', '--results', results, '--junit', junit, '--markdown', join(run.out, 'diff.md'), '--allow-missing-baseline', '--baseline', join(run.out, 'none.json')], {
    cwd: repo,
    reject: false,
    timeout: CHILD_TIMEOUT_MS,
    env: { OPENAI_API_KEY: KEY },
  })
  expect(await readFile(junit, 'utf8')).toMatch(/Incorrect API key provided: \*\*\*/)
  expectNowhere(new Map([['diff junit', await readFile(junit, 'utf8')], ['diff md', await readFile(join(run.out, 'diff.md'), 'utf8')], ['diff console', `${diff.stdout}\n${diff.stderr}`]]), forms(KEY))
}, PROCESS_TEST_TIMEOUT_MS)

it('MLNODE_URL credentials echoed back as a Basic auth header reach no output and no console line', async () => {
  const basic = Buffer.from(`${USER}:${PASSWORD}`).toString('base64')
  const server = await stopAfterTest(
    await startHttp((req, res) => {
      res.writeHead(500, { 'content-type': 'text/plain' }).end(`proxy error: upstream refused ${String(req.headers.authorization)} (password ${PASSWORD})`)
    }),
  )
  const port = new URL(server.url).port
  const mgmtUrl = `http://${USER}:${encodeURIComponent(PASSWORD)}@127.0.0.1:${port}`
  const run = await runFixture({ MLNODE_URL: mgmtUrl, MLNB_FAULT_DEPLOY_TIMEOUT_S: '4' })
  expect(run.exitCode, run.output).toBe(1)
  const files = await outputFiles(run.out)
  expect([...files.keys()]).toEqual(expect.arrayContaining(['results.json', 'junit.xml', 'summary.md', 'history.sqlite']))
  expect(files.get('results.json')).toMatch(/proxy error/)
  expectNowhere(files, [basic, ...forms(PASSWORD), ...forms(`${USER}:${PASSWORD}`)])
  expectNowhere(new Map([['console', run.output]]), [basic, ...forms(PASSWORD)])
  expect(run.output).toMatch(/proxy error/)
}, PROCESS_TEST_TIMEOUT_MS)
