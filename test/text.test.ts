import { describe, expect, it } from 'vitest'
import { tokenPrompt } from '../src/load/prompts.js'
import { estimateTokens } from '../src/text/tokens.js'

describe('estimateTokens', () => {
  it.each([
    ['', 0],
    ['the of and', 3],
    ['12345', 2],
    ['zqxjv', 3], // not a common word: ≈ 2 bytes per token
    ['the zqxjv 7', 1 + 3 + 1],
  ])('%j → %i', (text, tokens) => {
    expect(estimateTokens(text)).toBe(tokens)
  })

  it('counts a prompt generated to N tokens as about N tokens (generator and simulator agree)', () => {
    for (const n of [100, 1000, 4000]) {
      const counted = estimateTokens(tokenPrompt(n, 7, 1, 'w', ''))
      expect(Math.abs(counted - n) / n).toBeLessThan(0.02)
    }
  })
})
