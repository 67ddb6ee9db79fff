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
