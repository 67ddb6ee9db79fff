/**
 * The small sample datasets that ship in benchmarks/workloads/datasets/, generated (no real user
 * data): text is seeded draws of common words. `npx tsx benchmarks/workloads/datasets/generate.ts`
 * rewrites them; a test checks the committed files equal this output.
 */
import { COMMON_WORDS } from '../../text/tokens.js'
import { createRng, randomInt, type Rng } from '../random.js'

function sentence(rng: Rng, words: number): string {
  const out = Array.from({ length: words }, () => COMMON_WORDS[Math.floor(rng() * COMMON_WORDS.length)] as string)
  return out.join(' ')
}

/** ShareGPT-format JSON: 12 conversations, two of them too short for vLLM's filter, one single-turn. */
export function sampleShareGpt(): string {
  const rng = createRng('sample-sharegpt')
  const records = Array.from({ length: 12 }, (_, i) => {
    const promptWords = i === 3 ? 2 : randomInt(rng, 20, 300)
    const answerWords = i === 7 ? 3 : randomInt(rng, 10, 400)
    const conversations = [
      { from: 'human', value: sentence(rng, promptWords) },
      ...(i === 10 ? [] : [{ from: 'gpt', value: sentence(rng, answerWords) }, { from: 'human', value: sentence(rng, 15) }, { from: 'gpt', value: sentence(rng, 40) }]),
    ]
    return { id: `sample-${i}`, conversations }
  })
  return `${JSON.stringify(records, null, 1)}\n`
}

/** OpenAI-chat JSONL: 6 conversations of 2–4 user turns, with the recorded assistant answers. */
export function sampleConversations(): string {
  const rng = createRng('sample-conversations')
  const lines = Array.from({ length: 6 }, (_, i) => {
    const messages: Array<{ role: string; content: string }> = [{ role: 'system', content: `You are assistant number ${i}. ${sentence(rng, 40)}` }]
    const turns = randomInt(rng, 2, 4)
    for (let t = 0; t < turns; t++) {
      messages.push({ role: 'user', content: sentence(rng, randomInt(rng, 20, 120)) })
      messages.push({ role: 'assistant', content: sentence(rng, randomInt(rng, 8, 40)) })
    }
    return JSON.stringify({ messages })
  })
  return `${lines.join('\n')}\n`
}

/**
 * Mooncake-format trace: 16 requests 250 ms apart on average; most extend one of three shared
 * prefixes (1–3 blocks of 512 tokens) with their own blocks, as conversation traces do; the last
 * block is often partial (input_length not a multiple of 512).
 */
export function sampleMooncakeTrace(): string {
  const rng = createRng('sample-mooncake')
  const prefixes = [[0], [1, 2], [3, 4, 5]]
  let nextId = 100
  let timestamp = 0
  const lines: string[] = []
  for (let i = 0; i < 16; i++) {
    const shared = i % 5 === 4 ? [] : prefixes[randomInt(rng, 0, prefixes.length - 1)]!
    const own = randomInt(rng, 1, 2)
    const hashIds = [...shared, ...Array.from({ length: own }, () => nextId++)]
    const inputLength = (hashIds.length - 1) * 512 + randomInt(rng, 100, 512)
    lines.push(JSON.stringify({ timestamp, input_length: inputLength, output_length: randomInt(rng, 4, 24), hash_ids: hashIds }))
    timestamp += randomInt(rng, 100, 400)
  }
  return `${lines.join('\n')}\n`
}
