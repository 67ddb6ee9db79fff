/** scrub: every form of every known secret, wherever it sits in the text. */
import { expect, it } from 'vitest'
import { registerSecret, scrub, scrubDeep, secretsOf, urlCredentials } from '../../src/outputs/secrets.js'

const TOKEN = 'tok-9f8e7d6c5b4a'

it('masks a secret of the environment plain, URL-encoded and in base64 at any alignment', () => {
  const env = { MY_SERVICE_TOKEN: 'a/b+c=d-secret-1', PATH: '/usr/bin' }
  const s = env.MY_SERVICE_TOKEN
  for (const prefix of ['', 'x', 'xy', 'xyz']) {
    const b64 = Buffer.from(`${prefix}${s}`).toString('base64')
    expect(scrub(`header ${b64} end`, env)).not.toContain(Buffer.from(s).toString('base64').slice(4, 12))
  }
  expect(scrub(`plain ${s} and ${encodeURIComponent(s)}`, env)).toBe('plain *** and ***')
  // Ordinary values are left alone, and so are variables that only name or locate a secret.
  expect(scrub('PATH is /usr/bin', env)).toBe('PATH is /usr/bin')
  const named = { MLNODE_BENCH_API_KEY_ENV: 'MY_OPENAI_KEY', GIT_AUTHOR_NAME: 'Ada Lovelace', MY_OPENAI_KEY: 'sk-abcdef123456' }
  expect(scrub('key from MY_OPENAI_KEY by Ada Lovelace: sk-abcdef123456', named)).toBe('key from MY_OPENAI_KEY by Ada Lovelace: ***')
})

it('masks URL credentials, the Basic header of them, and a registered token (compressa api_token_env_var)', () => {
  const env = { MLNODE_URL: 'http://ops:p%40ss-word-1@gpu-box:8080' }
  expect(urlCredentials(env.MLNODE_URL)).toContain('ops:p@ss-word-1')
  expect(secretsOf(env)).toContain('p@ss-word-1')
  const basic = Buffer.from('ops:p@ss-word-1').toString('base64')
  expect(scrub(`Authorization: Basic ${basic}`, env)).toBe('Authorization: Basic ***')
  expect(scrub(`got ${TOKEN}`, {})).toBe(`got ${TOKEN}`)
  registerSecret(TOKEN)
  expect(scrub(`got ${TOKEN}`, {})).toBe('got ***')
  expect(scrubDeep({ a: [`x ${TOKEN}`], n: 1, url: 'http://u:v@h/' }, {})).toEqual({ a: ['x ***'], n: 1, url: 'http://***@h/' })
})
