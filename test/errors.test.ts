import { describe, expect, it } from 'vitest'
import { MlnodeBenchError, hasCode, isMlnodeBenchError, redact } from '../src/errors.js'

describe('redact', () => {
  it.each([
    ['http://user:s3cret@host:8080/api', 'http://***@host:8080/api'],
    ['https://host/x?token=abc&y=1', 'https://host/x?token=***&y=1'],
    ['Authorization: Bearer abcdefghijkl', 'Authorization: Bearer ***'],
    ['token ghp_abcdefghijklmnopqrstuvwxyz0123', 'token ***'],
    ['http://127.0.0.1:8080/api/v1/state', 'http://127.0.0.1:8080/api/v1/state'],
  ])('%s', (input, expected) => {
    expect(redact(input)).toBe(expected)
  })
})

describe('MlnodeBenchError', () => {
  it('keeps code, details and cause, and is recognised after serialization', () => {
    const cause = new Error('socket hang up')
    const error = new MlnodeBenchError('MLNB_MLNODE_HTTP', 'POST /api/v1/inference/up failed', { cause, details: { status: 500 } })
    expect(error.cause).toBe(cause)
    expect(hasCode(error, 'MLNB_MLNODE_HTTP')).toBe(true)
    const plain = JSON.parse(JSON.stringify({ ...error, message: error.message }))
    expect(isMlnodeBenchError(plain)).toBe(true)
    expect(isMlnodeBenchError(new Error('x'))).toBe(false)
  })
})

describe('ERROR_CODES', () => {
  it('the README has a row for every code, with its meaning', async () => {
    const { readFileSync } = await import('node:fs')
    const { ERROR_CODES } = await import('../src/errors.js')
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8')
    const missing = Object.entries(ERROR_CODES).filter(([code, meaning]) => !readme.includes(`| \`${code}\` | ${meaning.replace(/\|/g, '\\|')} |`))
    expect(missing.map(([code]) => code)).toEqual([])
    // And every MLNB_ code the README names is a real one.
    const named = new Set(readme.match(/MLNB_[A-Z_]+[A-Z]/g))
    expect([...named].filter((c) => !(c in ERROR_CODES))).toEqual([])
  })
})

describe('failureKindOf', () => {
  it('takes the kind kept with the code, else the stage\'s fallback', async () => {
    const { failureKindOf } = await import('../src/errors.js')
    expect(failureKindOf('MLNB_ARGS_GUARD', 'workload')).toBe('guard')
    expect(failureKindOf('MLNB_DEPLOY_TIMEOUT', 'workload')).toBe('deploy')
    expect(failureKindOf('MLNB_SIM', 'internal')).toBe('deploy')
    expect(failureKindOf('MLNB_VALIDATION_REFERENCE', 'workload')).toBe('validation')
    expect(failureKindOf('MLNB_LOAD', 'workload')).toBe('workload')
    expect(failureKindOf('MLNB_CONFIG', 'internal')).toBe('internal')
    // Not ours, or a code from another version: the fallback, never a prototype's property.
    expect(failureKindOf('toString', 'internal')).toBe('internal')
    expect(failureKindOf(undefined, 'validation')).toBe('validation')
  })
})
