// compressa-perf 0.2.5 config keys: min_tokens, api_token_env_var, transport.
import { afterEach, describe, expect, it } from 'vitest'
import { hasCode } from '../../src/errors.js'
import { parseCompressaConfig, runWorkload } from '../../src/load/index.js'
import { startHttp, vllmChatEvents, type Started } from './helpers/server.js'

const BASE = 'model_name: m\nexperiment_name: e\ndescription: d\nnum_tasks: 2\nnum_runners: 1\nmax_tokens: 3\ngenerate_prompts: true\nnum_prompts: 1\nprompt_length: 40\n'
const TOKEN_ENV = 'MLNB_TEST_COMPRESSA_TOKEN_025'

let server: Started | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
  delete process.env[TOKEN_ENV]
})

describe('compressa-perf 0.2.5 config keys', () => {
  it('accepts min_tokens, api_token_env_var and transport; min_tokens goes into the request body', () => {
    const [spec] = parseCompressaConfig(`${BASE}min_tokens: 2\napi_token_env_var: ${TOKEN_ENV}\ntransport: httpx\n`, '/cfg/c.yml')
    expect(spec!.extraBody).toEqual({ min_tokens: 2 })
    expect(spec!.compressa).toMatchObject({ apiTokenEnvVar: TOKEN_ENV, transport: 'httpx' })
  })

  it.each([
    ['min_tokens above max_tokens', 'min_tokens: 4\n', /c\.yml: experiment "e": min_tokens = 4 must not exceed max_tokens \(3\)/],
    ['negative min_tokens', 'min_tokens: -1\n', /min_tokens = -1 must be an integer ≥ 0/],
    ['a token variable that is no name', 'api_token_env_var: "my token"\n', /api_token_env_var = "my token" must be an environment variable name/],
  ])('rejects %s naming file, experiment and key', (_what, extra, message) => {
    let error: unknown
    try {
      parseCompressaConfig(`${BASE}${extra}`, '/cfg/c.yml')
    } catch (e) {
      error = e
    }
    expect(hasCode(error, 'MLNB_CONFIG')).toBe(true)
    expect((error as Error).message).toMatch(message)
  })

  it('sends the token named by api_token_env_var as a bearer header, and names only the variable when unset', async () => {
    const seen: Array<string | undefined> = []
    server = await startHttp((req, res) => {
      if (req.method === 'GET') return void res.end('{"object":"list","data":[]}')
      seen.push(req.headers.authorization)
      res.writeHead(200, { 'content-type': 'text/event-stream' })
      res.end(vllmChatEvents([' a', ' b']).join(''))
    })
    const [spec] = parseCompressaConfig(`${BASE}api_token_env_var: ${TOKEN_ENV}\n`, '/cfg/c.yml')
    let error: unknown
    await runWorkload({ baseUrl: server.url, model: 'm' }, spec!).catch((e: unknown) => (error = e))
    expect(hasCode(error, 'MLNB_CONFIG')).toBe(true)
    expect((error as Error).message).toContain(`api_token_env_var names ${TOKEN_ENV}, which is not set`)

    process.env[TOKEN_ENV] = 'sekret-value-123'
    const run = await runWorkload({ baseUrl: server.url, model: 'm' }, spec!)
    expect(run.records.filter((r) => r.failure === undefined)).toHaveLength(2)
    expect(seen).toEqual(['Bearer sekret-value-123', 'Bearer sekret-value-123'])
    expect(JSON.stringify(spec)).not.toContain('sekret-value-123')
  })
})
